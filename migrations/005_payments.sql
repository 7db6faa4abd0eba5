-- 005_payments: enrolments, payments and their items, recorded in one round
-- trip by pay(); reversals by reverse_payment().

CREATE TABLE payments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel      text NOT NULL CHECK (channel IN ('wechat', 'alipay', 'bank', 'tax_online',
                                                  'tax_hall', 'pos', 'cash', 'assistance',
                                                  'subsidy')),
    external_id  text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 64),
    -- SHA-256 of the request that created it: the same key with another
    -- body is a conflict, the same body a replay
    request_hash text NOT NULL,
    year         integer NOT NULL REFERENCES years (year),
    tier         smallint NOT NULL,
    household_no text,
    amount       bigint NOT NULL CHECK (amount >= 0),      -- what was paid, fen
    paid_at      timestamptz NOT NULL,
    token_id     bigint,                                   -- who recorded it
    collector    text CHECK (length(collector) <= 100),
    status       text NOT NULL DEFAULT 'accepted' CHECK (status IN ('accepted', 'reversed')),
    reversed_at  timestamptz,
    reverse_reason text CHECK (reverse_reason IN ('refund', 'paid_twice',
                                                   'insured_elsewhere', 'other')),
    reverse_note text CHECK (length(reverse_note) <= 500),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel, external_id),
    CHECK ((status = 'reversed') = (reversed_at IS NOT NULL))
);
CREATE INDEX payments_paid_at_idx ON payments (paid_at);

-- One line per person a payment covers; personal, subsidy and assistance
-- shares kept apart.
CREATE TABLE payment_items (
    payment_id     bigint NOT NULL REFERENCES payments (id),
    id_number      text NOT NULL REFERENCES residents (id_number) ON UPDATE CASCADE,
    year           integer NOT NULL,
    personal       bigint NOT NULL CHECK (personal >= 0),
    subsidy        bigint NOT NULL CHECK (subsidy >= 0),
    assistance     bigint NOT NULL CHECK (assistance >= 0),
    late_surcharge bigint NOT NULL DEFAULT 0 CHECK (late_surcharge >= 0),
    category       text,
    coverage_start date NOT NULL,
    coverage_end   date NOT NULL,
    PRIMARY KEY (payment_id, id_number)
);
CREATE INDEX payment_items_person_idx ON payment_items (id_number, year);

-- A resident's enrolment in one insurance year.
CREATE TABLE enrolments (
    id_number      text NOT NULL REFERENCES residents (id_number) ON UPDATE CASCADE,
    year           integer NOT NULL REFERENCES years (year),
    tier           smallint,
    status         text NOT NULL CHECK (status IN ('registered', 'paid', 'reversed')),
    payment_id     bigint REFERENCES payments (id),
    paid_at        timestamptz,
    coverage_start date,
    coverage_end   date,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id_number, year),
    CHECK ((status = 'paid') = (payment_id IS NOT NULL))
);
CREATE INDEX enrolments_year_status_idx ON enrolments (year, status);

CREATE TRIGGER payments_audit AFTER UPDATE OR DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION audit_row('id');

-- One person's share of a payment, as pay() computes it.
CREATE TYPE pay_line AS (
    id_number text, due bigint, subsidy bigint, surcharge bigint, category text
);

-- The people a payment for a household (its active members not exempted
-- that year) or for a list of IDs (deduplicated) covers, in ID order.
CREATE FUNCTION payable_people(p_year integer, p_household text, p_ids text[])
RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_household IS NOT NULL THEN
        (SELECT array_agg(r.id_number ORDER BY r.id_number) FROM residents r
          WHERE r.household_no = p_household AND r.removed_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM exemptions e WHERE e.id_number = r.id_number
                             AND e.year = p_year AND e.status = 'approved'))
    ELSE (SELECT array_agg(DISTINCT x ORDER BY x) FROM unnest(p_ids) AS x) END
$$;

-- Why one of these people cannot be paid for ("id:reason"), or NULL:
-- unknown_resident, removed, exempted, out_of_scope (p_scope: a region code
-- the people must live under, NULL for any).
CREATE FUNCTION people_problem(p_year integer, ids text[], p_scope text)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT x || ':' || CASE
             WHEN r.id_number IS NULL THEN 'unknown_resident'
             WHEN r.removed_at IS NOT NULL THEN 'removed'
             WHEN EXISTS (SELECT 1 FROM exemptions e WHERE e.id_number = x
                           AND e.year = p_year AND e.status = 'approved') THEN 'exempted'
             ELSE 'out_of_scope' END
      FROM unnest(ids) AS x
      LEFT JOIN residents r ON r.id_number = x
      LEFT JOIN households h ON h.household_no = r.household_no
      LEFT JOIN regions rg ON rg.code = h.region_code
     WHERE r.id_number IS NULL OR r.removed_at IS NOT NULL
        OR (p_scope IS NOT NULL AND NOT p_scope = ANY (rg.path))
        OR EXISTS (SELECT 1 FROM exemptions e WHERE e.id_number = x
                    AND e.year = p_year AND e.status = 'approved')
     ORDER BY x LIMIT 1
$$;

-- What each person owes for a year and tier on Beijing date d: the tier's
-- contribution, plus the fiscal share when late and the year says so,
-- less the single highest category subsidy valid that day (never below 0).
-- The C reference of this rule is service/domain/subsidy.c.
CREATE FUNCTION due_lines(p_year integer, p_tier integer, d date, ids text[])
RETURNS pay_line[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY(
    SELECT ROW(x, t.contribution + s.surcharge,
               least(coalesce(b.subsidy, 0), t.contribution + s.surcharge), s.surcharge,
               CASE WHEN coalesce(b.subsidy, 0) > 0 THEN b.category END)::pay_line
      FROM unnest(ids) AS x
      JOIN years y ON y.year = p_year
      JOIN year_tiers t ON t.year = p_year AND t.tier = p_tier
      CROSS JOIN LATERAL (SELECT CASE WHEN d >= y.no_fiscal_subsidy_from
                                       AND y.late_pays_fiscal_share
                                      THEN t.fiscal_subsidy ELSE 0 END AS surcharge) AS s
      LEFT JOIN LATERAL (
          SELECT ys.category, ys.subsidy FROM resident_categories rc
            JOIN year_subsidies ys ON ys.year = p_year AND ys.tier = p_tier
                                  AND ys.category = rc.category AND ys.subsidy > 0
           WHERE rc.id_number = x AND rc.valid_from <= d
             AND (rc.valid_to IS NULL OR rc.valid_to >= d)
           ORDER BY ys.subsidy DESC, ys.category LIMIT 1) AS b ON true
     ORDER BY x)
$$;

-- The first day of cover for a payment on Beijing date d (may fall after
-- the year's coverage_end: too late). The C reference is coverage_period().
CREATE FUNCTION coverage_start(y years, d date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN d <= y.full_year_until THEN make_date(y.year, 1, 1)
                WHEN d <= y.next_month_until
                     THEN (date_trunc('month', d) + interval '1 month')::date
                ELSE d + y.waiting_days END
$$;

-- pay(): records one payment for some residents, or answers why not.
-- Rows: the first carries the outcome; when a payment exists (created or
-- replayed) one row per covered person follows the first (same payment_id).
-- Outcomes: created, replayed, key_conflict, no_year, no_tier,
-- unknown_resident, removed, exempted, out_of_scope, already_paid,
-- amount_mismatch (detail: the amount due), too_late, not_zero (a subsidy
-- payment whose people owe something), empty.
CREATE FUNCTION pay(p_channel text, p_external_id text, p_request_hash text,
                    p_year integer, p_tier integer, p_paid_at timestamptz,
                    p_amount bigint, p_household text, p_ids text[],
                    p_token bigint, p_collector text, p_scope text)
RETURNS TABLE (outcome text, payment_id bigint, id_number text, personal bigint,
               subsidy bigint, assistance bigint, late_surcharge bigint,
               category text, coverage_start date, coverage_end date, detail text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    y       years%ROWTYPE;
    t       year_tiers%ROWTYPE;
    d       date := (p_paid_at AT TIME ZONE 'Asia/Shanghai')::date;
    ids     text[];
    pid     bigint;
    old     payments%ROWTYPE;
    due     bigint;
    bad     text;
    cov_start date;
    lines   pay_line[];
BEGIN
    -- a replay answers what the first request got, whatever changed since
    SELECT * INTO old FROM payments p
     WHERE p.channel = p_channel AND p.external_id = p_external_id;
    IF FOUND THEN
        RETURN QUERY SELECT * FROM pay_replay(old, p_request_hash, p_scope);
        RETURN;
    END IF;
    SELECT * INTO y FROM years WHERE years.year = p_year;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'no_year', NULL::bigint, NULL, NULL::bigint, NULL::bigint,
            NULL::bigint, NULL::bigint, NULL, NULL::date, NULL::date, NULL;
        RETURN;
    END IF;
    SELECT * INTO t FROM year_tiers yt WHERE yt.year = p_year AND yt.tier = p_tier;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'no_tier', NULL::bigint, NULL, NULL::bigint, NULL::bigint,
            NULL::bigint, NULL::bigint, NULL, NULL::date, NULL::date, NULL;
        RETURN;
    END IF;
    ids := payable_people(p_year, p_household, p_ids);
    IF ids IS NULL THEN
        RETURN QUERY SELECT 'empty', NULL::bigint, NULL, NULL::bigint, NULL::bigint,
            NULL::bigint, NULL::bigint, NULL, NULL::date, NULL::date, NULL;
        RETURN;
    END IF;
    -- every person must exist, be active, not exempted, inside the scope
    bad := people_problem(p_year, ids, p_scope);
    IF bad IS NOT NULL THEN
        RETURN QUERY SELECT split_part(bad, ':', 2), NULL::bigint, split_part(bad, ':', 1),
            NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL, NULL::date,
            NULL::date, NULL;
        RETURN;
    END IF;
    -- coverage (待遇享受期) from the payment's Beijing date
    cov_start := coverage_start(y, d);
    IF cov_start > y.coverage_end THEN
        RETURN QUERY SELECT 'too_late', NULL::bigint, NULL, NULL::bigint, NULL::bigint,
            NULL::bigint, NULL::bigint, NULL, NULL::date, NULL::date, NULL;
        RETURN;
    END IF;
    -- what each owes: the single highest subsidy valid on that date
    lines := due_lines(p_year, p_tier, d, ids);
    SELECT sum(l.due - l.subsidy) INTO due FROM unnest(lines) l;
    IF p_channel = 'subsidy' AND due <> 0 THEN
        RETURN QUERY SELECT 'not_zero', NULL::bigint, NULL, NULL::bigint, NULL::bigint,
            NULL::bigint, NULL::bigint, NULL, NULL::date, NULL::date, due::text;
        RETURN;
    END IF;
    IF due = 0 AND p_channel <> 'subsidy' THEN
        -- nothing is owed: the subsidy channel records such people
        RETURN QUERY SELECT 'use_subsidy', NULL::bigint, NULL, NULL::bigint, NULL::bigint,
            NULL::bigint, NULL::bigint, NULL, NULL::date, NULL::date, NULL;
        RETURN;
    END IF;
    IF due <> p_amount THEN
        RETURN QUERY SELECT 'amount_mismatch', NULL::bigint, NULL, NULL::bigint,
            NULL::bigint, NULL::bigint, NULL::bigint, NULL, NULL::date, NULL::date, due::text;
        RETURN;
    END IF;
    SELECT e.id_number INTO bad FROM enrolments e
     WHERE e.id_number = ANY (ids) AND e.year = p_year AND e.status = 'paid'
     ORDER BY e.id_number LIMIT 1;
    IF bad IS NOT NULL THEN
        RETURN QUERY SELECT 'already_paid', NULL::bigint, bad, NULL::bigint, NULL::bigint,
            NULL::bigint, NULL::bigint, NULL, NULL::date, NULL::date, NULL;
        RETURN;
    END IF;
    -- the key: a concurrent twin waits here and then replays
    INSERT INTO payments (channel, external_id, request_hash, year, tier, household_no,
                          amount, paid_at, token_id, collector)
    VALUES (p_channel, p_external_id, p_request_hash, p_year, p_tier, p_household,
            p_amount, p_paid_at, p_token, p_collector)
    ON CONFLICT ON CONSTRAINT payments_channel_external_id_key DO NOTHING
    RETURNING payments.id INTO pid;
    IF pid IS NULL THEN
        SELECT * INTO old FROM payments p
         WHERE p.channel = p_channel AND p.external_id = p_external_id;
        RETURN QUERY SELECT * FROM pay_replay(old, p_request_hash, p_scope);
        RETURN;
    END IF;
    -- the enrolments: locked by the upsert, refused when already paid (a
    -- concurrent payer of the same person raises, undoing this payment)
    WITH up AS (
            INSERT INTO enrolments AS e (id_number, year, tier, status, payment_id,
                                         paid_at, coverage_start, coverage_end)
            SELECT l.id_number, p_year, p_tier, 'paid', pid, p_paid_at, cov_start,
                   y.coverage_end FROM unnest(lines) l ORDER BY l.id_number
            ON CONFLICT (id_number, year) DO UPDATE
               SET tier = excluded.tier, status = 'paid', payment_id = excluded.payment_id,
                   paid_at = excluded.paid_at, coverage_start = excluded.coverage_start,
                   coverage_end = excluded.coverage_end, updated_at = now()
             WHERE e.status <> 'paid'
            RETURNING 1)
    SELECT count(*) INTO due FROM up;
    IF due <> cardinality(lines) THEN
        -- undo the payment row: nothing partial is ever kept
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'already_paid';
    END IF;
    INSERT INTO payment_items (payment_id, id_number, year, personal, subsidy, assistance,
                               late_surcharge, category, coverage_start, coverage_end)
    SELECT pid, l.id_number, p_year,
           CASE WHEN p_channel = 'assistance' THEN 0 ELSE l.due - l.subsidy END,
           l.subsidy,
           CASE WHEN p_channel = 'assistance' THEN l.due - l.subsidy ELSE 0 END,
           l.surcharge, l.category, cov_start, y.coverage_end
      FROM unnest(lines) l;
    RETURN QUERY SELECT 'created', pid, NULL, NULL::bigint, NULL::bigint, NULL::bigint,
        NULL::bigint, NULL, NULL::date, NULL::date, NULL
    UNION ALL
    SELECT 'item', pid, i.id_number, i.personal, i.subsidy, i.assistance, i.late_surcharge,
           i.category, i.coverage_start, i.coverage_end, NULL
      FROM payment_items i WHERE i.payment_id = pid;
END $$;

-- The answer to a request whose key was seen before (out_of_scope when the
-- caller may not see that payment's people).
CREATE FUNCTION pay_replay(old payments, p_request_hash text, p_scope text)
RETURNS TABLE (outcome text, payment_id bigint, id_number text, personal bigint,
               subsidy bigint, assistance bigint, late_surcharge bigint,
               category text, coverage_start date, coverage_end date, detail text)
LANGUAGE sql AS $$
    WITH hidden AS (
        SELECT p_scope IS NOT NULL AND EXISTS (
            SELECT 1 FROM payment_items i JOIN residents r ON r.id_number = i.id_number
              JOIN households h ON h.household_no = r.household_no
              JOIN regions rg ON rg.code = h.region_code
             WHERE i.payment_id = old.id AND NOT p_scope = ANY (rg.path)) AS yes)
    SELECT CASE WHEN hidden.yes THEN 'out_of_scope'
                WHEN old.request_hash = p_request_hash THEN 'replayed'
                ELSE 'key_conflict' END, old.id, NULL, NULL::bigint, NULL::bigint,
           NULL::bigint, NULL::bigint, NULL, NULL::date, NULL::date, old.status
      FROM hidden
    UNION ALL
    SELECT 'item', old.id, i.id_number, i.personal, i.subsidy, i.assistance,
           i.late_surcharge, i.category, i.coverage_start, i.coverage_end, NULL
      FROM payment_items i, hidden
     WHERE i.payment_id = old.id AND old.request_hash = p_request_hash AND NOT hidden.yes
$$;

-- reverse_payment(): the payment is reversed and its enrolments unpaid.
-- Outcomes: reversed, not_found, already_reversed, out_of_scope.
CREATE FUNCTION reverse_payment(p_id bigint, p_reason text, p_note text, p_scope text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    p payments%ROWTYPE;
BEGIN
    SELECT * INTO p FROM payments WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'not_found';
    END IF;
    IF p_scope IS NOT NULL AND EXISTS (
        SELECT 1 FROM payment_items i JOIN residents r ON r.id_number = i.id_number
          JOIN households h ON h.household_no = r.household_no
          JOIN regions rg ON rg.code = h.region_code
         WHERE i.payment_id = p_id AND NOT p_scope = ANY (rg.path)) THEN
        RETURN 'out_of_scope';
    END IF;
    IF p.status = 'reversed' THEN
        RETURN 'already_reversed';
    END IF;
    UPDATE payments SET status = 'reversed', reversed_at = now(),
           reverse_reason = p_reason, reverse_note = p_note WHERE id = p_id;
    UPDATE enrolments SET status = 'reversed', payment_id = NULL, paid_at = NULL,
           coverage_start = NULL, coverage_end = NULL, updated_at = now()
     WHERE payment_id = p_id;
    RETURN 'reversed';
END $$;
