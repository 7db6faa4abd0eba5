-- 002_households: households and their members, the registration roster.

CREATE TABLE households (
    household_no text PRIMARY KEY CHECK (length(household_no) BETWEEN 1 AND 40),
    region_code  text NOT NULL REFERENCES regions (code),
    attribute    text CHECK (length(attribute) <= 50),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX households_region_idx ON households (region_code);

CREATE TABLE residents (
    id_number    text PRIMARY KEY CHECK (length(id_number) BETWEEN 1 AND 40),
    doc_type     text NOT NULL DEFAULT 'resident_id',
    household_no text NOT NULL REFERENCES households (household_no),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    relation     text CHECK (length(relation) <= 20),
    phone        text CHECK (length(phone) <= 20),
    birth_date   date,
    sex          char(1) CHECK (sex IN ('M', 'F')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX residents_household_idx ON residents (household_no);

-- A resident's special categories, each valid over a date range.
CREATE TABLE resident_categories (
    id_number  text NOT NULL REFERENCES residents (id_number) ON DELETE CASCADE,
    category   text NOT NULL REFERENCES categories (code),
    valid_from date NOT NULL,
    valid_to   date,
    source     text CHECK (length(source) <= 50),
    PRIMARY KEY (id_number, category, valid_from),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX resident_categories_category_idx ON resident_categories (category);
