-- 006_tax: the tax bureau's side. Its daily payment detail is recorded in
-- batches by tax_record_batch() under pay()'s rules: the functions that
-- check, price and cover a person (people_problems, person_due,
-- coverage_start) are the ones pay() uses, through people_problem() and
-- due_lines(), redefined here on top of them with the same answers.
-- tax_payables() says what people owe now; payments_of_day() is the day's
-- money for reconciliation (对账).

-- Recorded from the tax bureau's detail (import or batch): the payments its
-- voucher list must show.
ALTER TABLE payments ADD COLUMN tax_detail boolean NOT NULL DEFAULT false;

-- Why each of these people cannot be paid for in a year, one row per person
-- with a problem: unknown_resident, removed, exempted, out_of_scope (p_scope:
-- a region code the people must live under, NULL for any).
CREATE FUNCTION people_problems(p_year integer, ids text[], p_scope text)
RETURNS TABLE (id_number text, problem text) LANGUAGE sql STABLE AS $$
    SELECT x, CASE WHEN r.id_number IS NULL THEN 'unknown_resident'
                   WHEN r.removed_at IS NOT NULL THEN 'removed'
                   WHEN e.id IS NOT NULL THEN 'exempted'
                   ELSE 'out_of_scope' END
      FROM unnest(ids) AS x
      LEFT JOIN residents r ON r.id_number = x
      LEFT JOIN households h ON h.household_no = r.household_no
      LEFT JOIN regions rg ON rg.code = h.region_code
      -- at most one: exemptions_active_idx
      LEFT JOIN exemptions e ON e.id_number = x AND e.year = p_year
                            AND e.status = 'approved'
     WHERE r.id_number IS NULL OR r.removed_at IS NOT NULL OR e.id IS NOT NULL
        OR (p_scope IS NOT NULL AND NOT p_scope = ANY (rg.path))
$$;

-- pay()'s check, now one rule with the batch's: the first problem in ID
-- order ("id:reason"), or NULL. Same signature and answers as in 005.
CREATE OR REPLACE FUNCTION people_problem(p_year integer, ids text[], p_scope text)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT p.id_number || ':' || p.problem FROM people_problems(p_year, ids, p_scope) p
     ORDER BY p.id_number LIMIT 1
$$;

-- What person x owes for tier t of year y on Beijing date d: the tier's
-- contribution, plus the fiscal share when late and the year says so, less
-- the single highest category subsidy valid that day (never below 0).
-- pay()'s rule for one person; due_lines() applies it to a list, the tax
-- batch to each of its lines.
CREATE FUNCTION person_due(y years, t year_tiers, d date, x text)
RETURNS SETOF pay_line LANGUAGE sql STABLE AS $$
    SELECT x, t.contribution + s.surcharge,
           least(coalesce(b.subsidy, 0), t.contribution + s.surcharge), s.surcharge,
           CASE WHEN coalesce(b.subsidy, 0) > 0 THEN b.category END
      FROM (SELECT CASE WHEN d >= y.no_fiscal_subsidy_from AND y.late_pays_fiscal_share
                        THEN t.fiscal_subsidy ELSE 0 END AS surcharge) AS s
      LEFT JOIN LATERAL (
          SELECT ys.category, ys.subsidy FROM resident_categories rc
            JOIN year_subsidies ys ON ys.year = t.year AND ys.tier = t.tier
                                  AND ys.category = rc.category AND ys.subsidy > 0
           WHERE rc.id_number = x AND rc.valid_from <= d
             AND (rc.valid_to IS NULL OR rc.valid_to >= d)
           ORDER BY ys.subsidy DESC, ys.category LIMIT 1) AS b ON true
$$;

-- due_lines() of 005 on top of person_due(): same signature and answers.
CREATE OR REPLACE FUNCTION due_lines(p_year integer, p_tier integer, d date, ids text[])
RETURNS pay_line[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY(
    SELECT l FROM unnest(ids) AS x
      JOIN years y ON y.year = p_year
      JOIN year_tiers t ON t.year = p_year AND t.tier = p_tier
     CROSS JOIN LATERAL person_due(y, t, d, x) AS l
     ORDER BY x)
$$;

-- coverage_start() of 005, same answers, with an immutable body so that
-- the planner inlines it into the batch's per-line query (date_trunc on a
-- date reads the session's time zone; on a timestamp it does not).
CREATE OR REPLACE FUNCTION coverage_start(y years, d date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN d <= y.full_year_until THEN make_date(y.year, 1, 1)
                WHEN d <= y.next_month_until
                     THEN (date_trunc('month', d::timestamp) + interval '1 month')::date
                ELSE d + y.waiting_days END
$$;

-- One line of a batch as tax_record_batch() judges it. outcome: ok, or
-- one of pay()'s refusals, or the in-batch forms *_line whose detail is the
-- earlier line (i) they clash with.
CREATE TYPE tax_verdict AS (
    i integer, voucher text, id_number text, year integer, tier integer,
    amount bigint, paid_at timestamptz, channel text, request_hash text,
    outcome text, detail text,
    due bigint, subsidy bigint, surcharge bigint, category text,
    cov_start date, cov_end date
);

-- A voucher (channel, number) recorded already, as a line paying person x
-- sees it: duplicate (the same person, year, tier, amount and instant),
-- key_conflict (another payment), or out_of_scope (of people the caller
-- may not see, as pay_replay() says). No row when the voucher is new.
CREATE FUNCTION tax_voucher_seen(p_channel text, p_voucher text, x text, p_year integer,
                                 p_tier integer, p_amount bigint, p_paid_at timestamptz,
                                 p_scope text)
RETURNS TABLE (id bigint, outcome text) LANGUAGE sql STABLE AS $$
    SELECT p.id,
           CASE WHEN p_scope IS NOT NULL AND EXISTS (
                     SELECT 1 FROM payment_items it
                       JOIN residents r ON r.id_number = it.id_number
                       JOIN households h ON h.household_no = r.household_no
                       JOIN regions rg ON rg.code = h.region_code
                      WHERE it.payment_id = p.id AND NOT p_scope = ANY (rg.path))
                THEN 'out_of_scope'
                WHEN p.year = p_year AND p.tier = p_tier AND p.amount = p_amount
                     AND p.paid_at = p_paid_at
                     AND ARRAY(SELECT it.id_number FROM payment_items it
                                WHERE it.payment_id = p.id) = ARRAY[x]
                THEN 'duplicate'
                ELSE 'key_conflict' END
      FROM payments p
     WHERE p.channel = p_channel AND p.external_id = p_voucher
$$;

-- Each line against the database as it stands, in pay()'s order of checks:
-- the key (duplicate: same person, year, tier, amount and instant; else
-- key_conflict; detail: the payment id), no_year, no_tier, the person
-- (people_problems), too_late, amount_mismatch (detail: the amount due),
-- already_paid. Prices with person_due(), covers with coverage_start();
-- every lookup is by index, line by line.
CREATE FUNCTION tax_judge_lines(p_i integer[], p_voucher text[], p_id text[],
                                p_year integer[], p_tier integer[], p_amount bigint[],
                                p_paid_at timestamptz[], p_channel text[], p_hash text[],
                                p_scope text)
RETURNS SETOF tax_verdict LANGUAGE sql STABLE AS $$
    SELECT j.i, j.voucher, j.id_number, j.year, j.tier, j.amount, j.paid_at, j.channel,
           j.request_hash, j.outcome,
           CASE WHEN j.old_id IS NOT NULL THEN j.old_id::text
                WHEN j.outcome = 'amount_mismatch' THEN (j.due - j.subsidy)::text END,
           j.due, j.subsidy, j.surcharge, j.category, j.cov_start, j.cov_end
      FROM (
        SELECT s.*,
               CASE WHEN old.id IS NOT NULL THEN old.outcome
                    WHEN y.year IS NULL THEN 'no_year'
                    WHEN t.tier IS NULL THEN 'no_tier'
                    WHEN pr.problem IS NOT NULL THEN pr.problem
                    WHEN c.start > y.coverage_end THEN 'too_late'
                    WHEN dl.due - dl.subsidy = 0 THEN 'use_subsidy'
                    WHEN dl.due - dl.subsidy <> s.amount THEN 'amount_mismatch'
                    WHEN paid.yes THEN 'already_paid'
                    ELSE 'ok' END AS outcome,
               old.id AS old_id, dl.due, dl.subsidy, dl.surcharge, dl.category,
               c.start AS cov_start, y.coverage_end AS cov_end
          FROM (SELECT u.*, (u.paid_at AT TIME ZONE 'Asia/Shanghai')::date AS d
                  FROM unnest(p_i, p_voucher, p_id, p_year, p_tier, p_amount, p_paid_at,
                              p_channel, p_hash)
                       AS u(i, voucher, id_number, year, tier, amount, paid_at, channel,
                            request_hash)) s
          LEFT JOIN years y ON y.year = s.year
          LEFT JOIN year_tiers t ON t.year = s.year AND t.tier = s.tier
          LEFT JOIN LATERAL people_problems(s.year, ARRAY[s.id_number], p_scope) pr ON true
          LEFT JOIN LATERAL person_due(y, t, s.d, s.id_number) dl ON true
          LEFT JOIN LATERAL tax_voucher_seen(s.channel, s.voucher, s.id_number, s.year,
                                             s.tier, s.amount, s.paid_at, p_scope) old
                 ON true
          -- by the primary key, whatever the statistics say (a fresh,
          -- empty table's would pick (year, status) and read every payer)
          LEFT JOIN LATERAL (
              SELECT e.status = 'paid' AS yes FROM enrolments e
               WHERE e.id_number = s.id_number AND e.year = s.year) paid ON true
          CROSS JOIN LATERAL (SELECT coverage_start(y, s.d) AS start) c) j
$$;

-- The lines of one batch against each other, as if applied in line order:
-- a voucher seen earlier in the batch is a duplicate_line of that line when
-- the content is the same (or shares its refusal when that line was
-- refused), else a key_conflict_line; of the good lines paying one person
-- for one year the first wins, the others are already_paid_line. Window
-- functions only: one pass per rule, whatever the batch holds.
CREATE FUNCTION tax_resolve_batch(v tax_verdict[])
RETURNS SETOF tax_verdict LANGUAGE sql IMMUTABLE AS $$
    WITH keyed AS (
        SELECT x.*, x.i = first_value(x.i) OVER k AS owns,
               concat_ws('|', x.id_number, x.year, x.tier, x.amount, x.paid_at) AS content
          FROM unnest(v) x
        WINDOW k AS (PARTITION BY x.channel, x.voucher ORDER BY x.i)),
    owned AS (
        SELECT k.*, CASE WHEN k.owns AND k.outcome = 'ok' THEN first_value(k.i) OVER p END
                    AS payer
          FROM keyed k
        WINDOW p AS (PARTITION BY k.owns AND k.outcome = 'ok', k.id_number, k.year
                     ORDER BY k.i)),
    settled AS (
        SELECT o.*, CASE WHEN o.payer <> o.i THEN 'already_paid_line' ELSE o.outcome END
                    AS own_outcome,
               CASE WHEN o.payer <> o.i THEN o.payer::text ELSE o.detail END AS own_detail
          FROM owned o),
    compared AS (
        SELECT s.*, first_value(s.i) OVER k AS first_i,
               first_value(s.own_outcome) OVER k AS first_outcome,
               first_value(s.own_detail) OVER k AS first_detail,
               first_value(s.content) OVER k AS first_content
          FROM settled s
        WINDOW k AS (PARTITION BY s.channel, s.voucher ORDER BY s.i))
    SELECT c.i, c.voucher, c.id_number, c.year, c.tier, c.amount, c.paid_at, c.channel,
           c.request_hash,
           CASE WHEN c.owns THEN c.own_outcome
                WHEN c.outcome IN ('duplicate', 'key_conflict') THEN c.outcome
                WHEN c.content <> c.first_content THEN 'key_conflict_line'
                WHEN c.first_outcome = 'ok' THEN 'duplicate_line'
                ELSE c.first_outcome END,
           CASE WHEN c.owns THEN c.own_detail
                WHEN c.outcome IN ('duplicate', 'key_conflict') THEN c.detail
                WHEN c.content <> c.first_content OR c.first_outcome = 'ok'
                     THEN c.first_i::text
                ELSE c.first_detail END,
           c.due, c.subsidy, c.surcharge, c.category, c.cov_start, c.cov_end
      FROM compared c
$$;

-- May a batch check its foreign keys itself, once, instead of one trigger
-- call per row and key (two thirds of a batch's time)? Only when the caller
-- may set session_replication_role (the switch that skips those calls),
-- the three tables written have exactly the foreign keys
-- tax_lock_references() stands in for, and none has a trigger of its own
-- on what a batch does to it (it would be skipped too). Anything else, and
-- batches take the ordinary path.
CREATE FUNCTION tax_bulk_checks_allowed() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT has_parameter_privilege('session_replication_role', 'SET')
       AND (SELECT array_agg(k.def ORDER BY k.def COLLATE "C")
              FROM (SELECT c.conrelid::regclass || ' ' || pg_get_constraintdef(c.oid)
                           AS def
                      FROM pg_constraint c
                     WHERE c.contype = 'f'
                       AND c.conrelid IN ('payments'::regclass, 'payment_items'::regclass,
                                          'enrolments'::regclass)) k)
           = ARRAY['enrolments FOREIGN KEY (id_number) REFERENCES residents(id_number) '
                       || 'ON UPDATE CASCADE',
                   'enrolments FOREIGN KEY (payment_id) REFERENCES payments(id)',
                   'enrolments FOREIGN KEY (year) REFERENCES years(year)',
                   'payment_items FOREIGN KEY (id_number) REFERENCES residents(id_number) '
                       || 'ON UPDATE CASCADE',
                   'payment_items FOREIGN KEY (payment_id) REFERENCES payments(id)',
                   'payments FOREIGN KEY (year) REFERENCES years(year)']
       AND NOT EXISTS (
           SELECT 1 FROM pg_trigger t
            WHERE NOT t.tgisinternal AND t.tgenabled = 'O'
              -- triggers on INSERT (4), and on UPDATE (16) for enrolments,
              -- which a batch upserts
              AND ((t.tgrelid IN ('payments'::regclass, 'payment_items'::regclass)
                    AND t.tgtype & 4 <> 0)
                   OR (t.tgrelid = 'enrolments'::regclass AND t.tgtype & (4 | 16) <> 0)))
$$;

-- What the foreign keys' triggers would check and lock line by line, for
-- the good lines of a batch at once: their residents and years exist, and
-- key-share locks keep them so until the end of the transaction (their
-- payments are new, written in the same statement as the rows that point
-- at them). Then the writes skip the per-row checks (replica role, for
-- this transaction only, until tax_record_batch() sets it back). False,
-- and nothing done, when tax_bulk_checks_allowed() says no. Raises
-- serialization_failure when a resident was renumbered meanwhile: the
-- caller runs the batch again, which then refuses that line.
CREATE FUNCTION tax_lock_references(v tax_verdict[]) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    ids    text[] := ARRAY(SELECT DISTINCT x.id_number FROM unnest(v) x
                            WHERE x.outcome = 'ok' ORDER BY 1);
    years  integer[] := ARRAY(SELECT DISTINCT x.year FROM unnest(v) x
                               WHERE x.outcome = 'ok');
    locked bigint;
BEGIN
    -- no trigger may be created between the look and the writes
    LOCK TABLE payments, payment_items, enrolments IN ROW EXCLUSIVE MODE;
    IF NOT tax_bulk_checks_allowed() THEN
        RETURN false;
    END IF;
    SELECT count(*) INTO locked FROM (
        SELECT 1 FROM residents r WHERE r.id_number = ANY (ids)
         ORDER BY r.id_number FOR KEY SHARE) l;
    IF locked <> cardinality(ids) THEN
        RAISE EXCEPTION USING ERRCODE = 'serialization_failure',
            MESSAGE = 'a resident changed during the batch';
    END IF;
    SELECT count(*) INTO locked FROM (
        SELECT 1 FROM years y WHERE y.year = ANY (years) FOR KEY SHARE) l;
    IF locked <> cardinality(years) THEN
        RAISE EXCEPTION USING ERRCODE = 'serialization_failure',
            MESSAGE = 'a year changed during the batch';
    END IF;
    PERFORM set_config('session_replication_role', 'replica', true);
    RETURN true;
END $$;

-- tax_record_batch(): records the good lines of a batch of the tax
-- bureau's detail, one payment per line (channel, external_id = voucher
-- number, request_hash = p_hash: what POST /v1/payments fingerprints for
-- the same payment), exactly as pay() would one by one, in one round trip.
-- Returns one row per line NOT recorded: duplicate (detail: the payment
-- id), duplicate_line (detail: the earlier line), or a refusal (see
-- tax_judge_lines, tax_resolve_batch). A line whose person someone else
-- paid between the check and the write is already_paid, or a duplicate when
-- it was the same voucher; a voucher someone else recorded for another
-- person meanwhile raises unique_violation: the caller runs the batch again.
CREATE FUNCTION tax_record_batch(p_i integer[], p_voucher text[], p_id text[],
                                 p_year integer[], p_tier integer[], p_amount bigint[],
                                 p_paid_at timestamptz[], p_channel text[], p_hash text[],
                                 p_token bigint, p_scope text)
RETURNS TABLE (i integer, outcome text, detail text)
LANGUAGE plpgsql
-- compiling the per-line query costs more than running it; a generic plan
-- would not know how many lines a batch holds and would join them pairwise
SET jit = off SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    v     tax_verdict[];
    seq   regclass := pg_get_serial_sequence('payments', 'id')::regclass;
    role  text := current_setting('session_replication_role');
    bulk  boolean;
    raced integer[];
BEGIN
    v := ARRAY(SELECT r FROM tax_judge_lines(p_i, p_voucher, p_id, p_year, p_tier,
                                             p_amount, p_paid_at, p_channel, p_hash,
                                             p_scope) r);
    -- lines clash only when a voucher or a person comes twice: rare
    IF EXISTS (SELECT FROM unnest(p_channel, p_voucher) k(c, n) GROUP BY k.c, k.n
                HAVING count(*) > 1)
       OR EXISTS (SELECT FROM unnest(p_id, p_year) k(id, y) GROUP BY k.id, k.y
                   HAVING count(*) > 1) THEN
        v := ARRAY(SELECT r FROM tax_resolve_batch(v) r ORDER BY r.i);
    END IF;
    IF NOT EXISTS (SELECT FROM unnest(v) x WHERE x.outcome = 'ok') THEN
        RETURN QUERY SELECT x.i, x.outcome, x.detail FROM unnest(v) x ORDER BY x.i;
        RETURN;
    END IF;
    bulk := tax_lock_references(v);
    -- the enrolments first (locked by the upsert, skipped when paid
    -- meanwhile), then the payments of the enrolments won, then the items;
    -- payment ids are drawn beforehand so that all three fit one statement
    WITH acc AS MATERIALIZED (
        SELECT x.*, nextval(seq) AS pid FROM unnest(v) x WHERE x.outcome = 'ok'),
    enr AS (
        INSERT INTO enrolments AS e (id_number, year, tier, status, payment_id, paid_at,
                                     coverage_start, coverage_end)
        SELECT a.id_number, a.year, a.tier, 'paid', a.pid, a.paid_at, a.cov_start,
               a.cov_end FROM acc a ORDER BY a.id_number
        ON CONFLICT (id_number, year) DO UPDATE
           SET tier = excluded.tier, status = 'paid', payment_id = excluded.payment_id,
               paid_at = excluded.paid_at, coverage_start = excluded.coverage_start,
               coverage_end = excluded.coverage_end, updated_at = now()
         WHERE e.status <> 'paid'
        RETURNING e.payment_id),
    pay AS (
        INSERT INTO payments (id, channel, external_id, request_hash, year, tier,
                              amount, paid_at, token_id, tax_detail)
        OVERRIDING SYSTEM VALUE
        SELECT a.pid, a.channel, a.voucher, a.request_hash, a.year, a.tier, a.amount,
               a.paid_at, p_token, true
          FROM acc a JOIN enr ON enr.payment_id = a.pid
        RETURNING id),
    items AS (
        INSERT INTO payment_items (payment_id, id_number, year, personal, subsidy,
                                   assistance, late_surcharge, category, coverage_start,
                                   coverage_end)
        SELECT a.pid, a.id_number, a.year, a.due - a.subsidy, a.subsidy, 0, a.surcharge,
               a.category, a.cov_start, a.cov_end
          FROM acc a JOIN pay ON pay.id = a.pid)
    SELECT coalesce(array_agg(a.i), '{}') INTO raced FROM acc a
     WHERE NOT EXISTS (SELECT 1 FROM enr WHERE enr.payment_id = a.pid);
    IF bulk THEN
        PERFORM set_config('session_replication_role', role, true);
    END IF;
    -- a line whose person someone else paid meanwhile: a duplicate when
    -- that was the same voucher (the same file sent twice at once), else
    -- already_paid (this statement sees what they committed)
    IF cardinality(raced) = 0 THEN
        RETURN QUERY SELECT x.i, x.outcome, x.detail FROM unnest(v) x
                      WHERE x.outcome <> 'ok' ORDER BY x.i;
        RETURN;
    END IF;
    RETURN QUERY
        SELECT x.i, CASE WHEN x.i = ANY (raced) THEN coalesce(k.outcome, 'already_paid')
                         ELSE x.outcome END,
               CASE WHEN x.i = ANY (raced) THEN k.id::text ELSE x.detail END
          FROM unnest(v) x
          LEFT JOIN LATERAL tax_voucher_seen(x.channel, x.voucher, x.id_number, x.year,
                                             x.tier, x.amount, x.paid_at, p_scope) k
                 ON x.i = ANY (raced)
         WHERE x.outcome <> 'ok' OR x.i = ANY (raced)
         ORDER BY x.i;
END $$;

-- tax_payables(): what a household's payable members (or one person) owe
-- on Beijing date d for each tier of the year, leaving out those paid
-- already. The first row carries the outcome: ok, no_year, too_late, or
-- for one person unknown_resident, removed, exempted; after ok, one
-- 'tier' row per tier of the year and one 'line' row per person and tier.
CREATE FUNCTION tax_payables(p_year integer, p_household text, p_id text, d date)
RETURNS TABLE (outcome text, tier integer, id_number text, self_pay bigint,
               subsidy bigint, category text)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
    y   years%ROWTYPE;
    ids text[];
    bad text;
BEGIN
    SELECT * INTO y FROM years WHERE years.year = p_year;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'no_year', NULL::integer, NULL, NULL::bigint, NULL::bigint,
            NULL;
        RETURN;
    END IF;
    ids := payable_people(p_year, p_household,
                          CASE WHEN p_id IS NOT NULL THEN ARRAY[p_id] END);
    IF p_id IS NOT NULL THEN
        bad := people_problem(p_year, ids, NULL);
        IF bad IS NOT NULL THEN
            RETURN QUERY SELECT split_part(bad, ':', 2), NULL::integer, NULL, NULL::bigint,
                NULL::bigint, NULL;
            RETURN;
        END IF;
    END IF;
    IF coverage_start(y, d) > y.coverage_end THEN
        RETURN QUERY SELECT 'too_late', NULL::integer, NULL, NULL::bigint, NULL::bigint,
            NULL;
        RETURN;
    END IF;
    ids := ARRAY(SELECT x FROM unnest(ids) x
                  WHERE (SELECT e.status FROM enrolments e
                          WHERE e.id_number = x AND e.year = p_year)
                        IS DISTINCT FROM 'paid'
                  ORDER BY x);
    RETURN QUERY
        SELECT 'ok', NULL::integer, NULL, NULL::bigint, NULL::bigint, NULL
        UNION ALL
        (SELECT 'tier', t.tier::integer, NULL, NULL::bigint, NULL::bigint, NULL
           FROM year_tiers t WHERE t.year = p_year ORDER BY t.tier)
        UNION ALL
        (SELECT 'line', t.tier::integer, l.id_number, l.due - l.subsidy, l.subsidy,
                l.category
           FROM year_tiers t
          CROSS JOIN LATERAL unnest(due_lines(p_year, t.tier, d, ids)) l
          WHERE t.year = p_year ORDER BY t.tier, l.id_number);
END $$;

-- The payments (not reversed) paid on Beijing date d, of people inside
-- p_scope (NULL: all).
CREATE FUNCTION payments_of_day(d date, p_scope text)
RETURNS SETOF payments LANGUAGE sql STABLE AS $$
    SELECT p.* FROM payments p
     WHERE p.paid_at >= d::timestamp AT TIME ZONE 'Asia/Shanghai'
       AND p.paid_at < (d + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
       AND p.status = 'accepted'
       AND (p_scope IS NULL OR EXISTS (
           SELECT 1 FROM payment_items i
             JOIN residents r ON r.id_number = i.id_number
             JOIN households h ON h.household_no = r.household_no
             JOIN regions rg ON rg.code = h.region_code
            WHERE i.payment_id = p.id AND p_scope = ANY (rg.path)))
$$;

-- The differences between the tax bureau's voucher list for day d and the
-- payments it should show (tax_detail, or paid at the tax office or its
-- e-bureau): missing_here (theirs only), missing_there (ours only),
-- amount_differs, in voucher order.
CREATE FUNCTION tax_voucher_differences(d date, p_scope text, p_vouchers text[],
                                        p_amounts bigint[])
RETURNS TABLE (voucher text, difference text, ours bigint, theirs bigint)
LANGUAGE sql STABLE AS $$
    WITH ours AS (
        SELECT p.external_id AS voucher, p.amount FROM payments_of_day(d, p_scope) p
         WHERE p.tax_detail OR p.channel IN ('tax_online', 'tax_hall')),
    theirs AS (
        SELECT t.voucher, t.amount FROM unnest(p_vouchers, p_amounts) AS t(voucher, amount))
    SELECT coalesce(o.voucher, t.voucher),
           CASE WHEN o.voucher IS NULL THEN 'missing_here'
                WHEN t.voucher IS NULL THEN 'missing_there'
                ELSE 'amount_differs' END,
           o.amount, t.amount
      FROM ours o FULL JOIN theirs t ON t.voucher = o.voucher
     WHERE o.voucher IS NULL OR t.voucher IS NULL OR o.amount <> t.amount
     ORDER BY 1, 2
$$;
