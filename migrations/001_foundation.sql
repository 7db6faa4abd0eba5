-- 001_foundation: regions, API tokens, categories and yearly rates.

CREATE TABLE regions (
    code        text PRIMARY KEY CHECK (code ~ '^[0-9]{1,20}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    level       smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
    parent_code text REFERENCES regions (code),
    -- codes from the county down to this region, itself included
    path        text[] NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((level = 1) = (parent_code IS NULL)),
    CHECK (path[cardinality(path)] = code AND cardinality(path) = level)
);
CREATE INDEX regions_parent_idx ON regions (parent_code);
CREATE INDEX regions_path_idx ON regions USING gin (path);

-- Bearer tokens: only a SHA-256 of the secret is kept.
CREATE TABLE api_tokens (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role          text NOT NULL CHECK (role IN ('admin', 'county', 'township',
                                                'collector', 'tax', 'dashboard')),
    region_code   text REFERENCES regions (code),
    secret_sha256 bytea NOT NULL UNIQUE CHECK (length(secret_sha256) = 32),
    last4         text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz,
    CHECK (role = 'admin' OR region_code IS NOT NULL)
);

-- Special categories (资助类别), with the department that hands over the lists.
CREATE TABLE categories (
    code       text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    department text CHECK (length(department) <= 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One insurance year's configuration: collection window and coverage rules.
CREATE TABLE years (
    year                   integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    collection_start       date NOT NULL,
    collection_end         date NOT NULL,
    full_year_until        date NOT NULL,
    next_month_until       date NOT NULL,
    waiting_days           integer NOT NULL CHECK (waiting_days BETWEEN 0 AND 365),
    no_fiscal_subsidy_from date NOT NULL,
    coverage_end           date NOT NULL,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CHECK (collection_start <= collection_end),
    CHECK (full_year_until < next_month_until),
    CHECK (next_month_until < no_fiscal_subsidy_from),
    CHECK (no_fiscal_subsidy_from <= coverage_end)
);

-- Tiers (档次): the individual contribution and the per-capita fiscal subsidy, in fen.
CREATE TABLE year_tiers (
    year           integer NOT NULL REFERENCES years (year) ON DELETE CASCADE,
    tier           smallint NOT NULL CHECK (tier BETWEEN 1 AND 9),
    contribution   bigint NOT NULL CHECK (contribution >= 0),
    fiscal_subsidy bigint NOT NULL CHECK (fiscal_subsidy >= 0),
    PRIMARY KEY (year, tier)
);

-- Category subsidies (资助额) per year and tier, in fen.
CREATE TABLE year_subsidies (
    year     integer NOT NULL,
    tier     smallint NOT NULL,
    category text NOT NULL REFERENCES categories (code),
    subsidy  bigint NOT NULL CHECK (subsidy >= 0),
    PRIMARY KEY (year, category, tier),
    FOREIGN KEY (year, tier) REFERENCES year_tiers (year, tier) ON DELETE CASCADE
);
