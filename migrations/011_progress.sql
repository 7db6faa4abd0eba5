-- 011_progress: the counts behind the progress report (通报表), kept by
-- the database itself as enrolments change, so a report never scans
-- residents and payments never queue on one counter row.
--
-- "Enrolled" (api.md): a resident with a paid enrolment for the year and
-- no approved exemption for it, counted in the region of their household
-- now, under 'all' and under every category they hold on some day between
-- the year's collection_start and coverage_end.
--
-- Each enrolment remembers where it is counted (counted_region,
-- counted_groups; NULL when not counted). progress_sync() compares that
-- with where it should be counted now and moves the difference into
--   progress_counts  the current totals, per year, group, region and slot;
--   progress_daily   the same changes per Beijing day (history, 日调度);
--   progress_events  each change with its time (reports "as of" a moment).
-- A change is dated by the payment's paid_at when an enrolment starts to
-- count, by now() otherwise (reversal, exemption, move, new category).
-- Slots: each database session adds to its own slot row (its backend pid
-- modulo 8), so parallel payments in one village do not wait on each
-- other; readers sum the slots.
--
-- Two plans to avoid, found at county scale (bench/progress.sh):
-- transition tables carry no statistics, so the triggers compare a
-- statement's old and new rows by grouping their union, never by joining
-- them (a nested loop compared every row of a 5,000-line tax batch with
-- every other: 8 s a batch); and progress_enrolled() sums per village in a
-- materialized CTE before walking the region tree (a cached generic plan
-- scanned the day's events once per region: 35-47 s an as_of report).

ALTER TABLE enrolments ADD COLUMN counted_region text,
                       ADD COLUMN counted_groups text[];
-- progress_sync() writes each newly paid enrolment a second time (where it
-- is counted); room left on every page lets that be a HOT update, which
-- touches no index
ALTER TABLE enrolments SET (fillfactor = 70);

CREATE TABLE progress_counts (
    year        integer  NOT NULL,
    grp         text     NOT NULL,
    region_code text     NOT NULL,
    slot        smallint NOT NULL,
    enrolled    bigint   NOT NULL,
    PRIMARY KEY (year, grp, region_code, slot)
);

CREATE TABLE progress_daily (
    year        integer  NOT NULL,
    grp         text     NOT NULL,
    region_code text     NOT NULL,
    day         date     NOT NULL,
    slot        smallint NOT NULL,
    added       bigint   NOT NULL,
    PRIMARY KEY (year, grp, region_code, day, slot)
);

CREATE TABLE progress_events (
    year        integer     NOT NULL,
    at          timestamptz NOT NULL,
    grp         text        NOT NULL,
    region_code text        NOT NULL,
    delta       integer     NOT NULL
);
CREATE INDEX progress_events_at_idx ON progress_events (year, at);

-- One change of a count: +1 or -1 for a region and group at a time.
CREATE TYPE progress_move AS (year integer, region_code text, grp text,
                              delta integer, at timestamptz);

-- Adds moves to the current counts (this session's slot row), to the
-- per-day table and to the event log.
CREATE FUNCTION progress_apply(p_moves progress_move[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    my_slot smallint := (pg_backend_pid() % 8)::smallint;
BEGIN
    IF cardinality(p_moves) = 0 THEN
        RETURN;
    END IF;
    WITH moves AS MATERIALIZED (SELECT * FROM unnest(p_moves)),
    counts AS (
        INSERT INTO progress_counts AS t (year, grp, region_code, slot, enrolled)
        SELECT m.year, m.grp, m.region_code, my_slot, sum(m.delta)
          FROM moves m GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (year, grp, region_code, slot)
        DO UPDATE SET enrolled = t.enrolled + excluded.enrolled),
    daily AS (
        INSERT INTO progress_daily AS t (year, grp, region_code, day, slot, added)
        SELECT m.year, m.grp, m.region_code, (m.at AT TIME ZONE 'Asia/Shanghai')::date,
               my_slot, sum(m.delta)
          FROM moves m GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (year, grp, region_code, day, slot)
        DO UPDATE SET added = t.added + excluded.added)
    INSERT INTO progress_events (year, at, grp, region_code, delta)
    SELECT m.year, m.at, m.grp, m.region_code, m.delta FROM moves m;
END $$;

-- Brings the counts of these people's enrolments (every year) up to date:
-- set-based, one pass whatever the number of people.
CREATE FUNCTION progress_sync(p_ids text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    moves progress_move[];
BEGIN
    IF cardinality(p_ids) = 0 THEN
        RETURN;
    END IF;
    -- where each enrolment of these people should be counted now: a paid
    -- one without an approved exemption, in its household's region, under
    -- the categories held on some day of the year's window; joins, not a
    -- function per row (a tax bureau batch brings thousands of people)
    WITH k AS MATERIALIZED (SELECT DISTINCT x AS id FROM unnest(p_ids) x),
    cur AS MATERIALIZED (
        SELECT e.id_number, e.year, e.paid_at, e.counted_region, e.counted_groups,
               h.region_code, y.collection_start, y.coverage_end,
               e.status = 'paid' AND NOT EXISTS (
                   SELECT 1 FROM exemptions x
                    WHERE x.id_number = e.id_number AND x.year = e.year
                      AND x.status = 'approved') AS counts
          FROM k
          JOIN enrolments e ON e.id_number = k.id
          JOIN residents r ON r.id_number = e.id_number
          JOIN households h ON h.household_no = r.household_no
          JOIN years y ON y.year = e.year
         WHERE e.counted_region IS NOT NULL OR e.status = 'paid'),
    held AS (
        SELECT c.id_number, c.year,
               array_agg(DISTINCT rc.category ORDER BY rc.category) AS groups
          FROM cur c
          JOIN resident_categories rc ON rc.id_number = c.id_number
         WHERE c.counts AND rc.valid_from <= c.coverage_end
           AND (rc.valid_to IS NULL OR rc.valid_to >= c.collection_start)
         GROUP BY c.id_number, c.year),
    want AS (
        SELECT c.id_number, c.year, c.paid_at, c.counted_region, c.counted_groups,
               CASE WHEN c.counts THEN c.region_code END AS want_region,
               CASE WHEN c.counts THEN coalesce(g.groups, '{}') END AS want_groups
          FROM cur c LEFT JOIN held g ON g.id_number = c.id_number AND g.year = c.year),
    changed AS MATERIALIZED (
        SELECT * FROM want
         WHERE (counted_region, counted_groups) IS DISTINCT FROM (want_region, want_groups)),
    remember AS (
        UPDATE enrolments e
           SET counted_region = c.want_region, counted_groups = c.want_groups
          FROM changed c
         WHERE e.id_number = c.id_number AND e.year = c.year)
    SELECT ARRAY(
        SELECT ROW(c.year, c.counted_region, g.grp, -1, now())::progress_move
          FROM changed c, unnest(array_prepend('all', c.counted_groups)) g(grp)
         WHERE c.counted_region IS NOT NULL
        UNION ALL
        SELECT ROW(c.year, c.want_region, g.grp, 1,
                   CASE WHEN c.counted_region IS NULL
                        THEN least(coalesce(c.paid_at, now()), now())
                        ELSE now() END)::progress_move
          FROM changed c, unnest(array_prepend('all', c.want_groups)) g(grp)
         WHERE c.want_region IS NOT NULL)
      INTO moves;
    PERFORM progress_apply(moves);
END $$;

-- The triggers hand progress_sync() the people whose counts may have
-- changed. They are statement triggers over transition tables (one call
-- per statement, however many rows), and they fire ALWAYS: also when a
-- tax bureau batch writes with session_replication_role = replica
-- (006_tax.sql), which skips ordinary triggers.
CREATE FUNCTION progress_enrolments_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM progress_sync(ARRAY(SELECT n.id_number FROM new_rows n
                                     WHERE n.status = 'paid'));
    ELSIF TG_OP = 'UPDATE' THEN
        -- only a changed status matters; progress_sync's own writes (and
        -- renumbered people, whose counts travel with their rows) pass
        PERFORM progress_sync(ARRAY(
            SELECT x.id_number
              FROM (SELECT n.id_number, n.year, n.status, true AS new FROM new_rows n
                    UNION ALL
                    SELECT o.id_number, o.year, o.status, false FROM old_rows o) x
             GROUP BY x.id_number, x.year
            HAVING bool_or(x.new) AND bool_or(NOT x.new)
               AND min(x.status) FILTER (WHERE x.new)
                   IS DISTINCT FROM min(x.status) FILTER (WHERE NOT x.new)));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER progress_enrolments_insert AFTER INSERT ON enrolments
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION progress_enrolments_changed();
CREATE TRIGGER progress_enrolments_update AFTER UPDATE ON enrolments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION progress_enrolments_changed();
ALTER TABLE enrolments ENABLE ALWAYS TRIGGER progress_enrolments_insert;
ALTER TABLE enrolments ENABLE ALWAYS TRIGGER progress_enrolments_update;

-- An enrolment deleted while counted takes its count with it.
CREATE FUNCTION progress_enrolments_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM progress_apply(ARRAY(
        SELECT ROW(o.year, o.counted_region, g.grp, -1, now())::progress_move
          FROM old_rows o, unnest(array_prepend('all', o.counted_groups)) g(grp)
         WHERE o.counted_region IS NOT NULL));
    RETURN NULL;
END $$;
CREATE TRIGGER progress_enrolments_delete AFTER DELETE ON enrolments
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION progress_enrolments_deleted();
ALTER TABLE enrolments ENABLE ALWAYS TRIGGER progress_enrolments_delete;

-- A person moved to another household (maybe another village).
CREATE FUNCTION progress_residents_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM progress_sync(ARRAY(
        SELECT x.id_number
          FROM (SELECT n.id_number, n.household_no, true AS new FROM new_rows n
                UNION ALL
                SELECT o.id_number, o.household_no, false FROM old_rows o) x
         GROUP BY x.id_number
        HAVING min(x.household_no) FILTER (WHERE x.new)
               <> min(x.household_no) FILTER (WHERE NOT x.new)));
    RETURN NULL;
END $$;
CREATE TRIGGER progress_residents_update AFTER UPDATE ON residents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION progress_residents_changed();
ALTER TABLE residents ENABLE ALWAYS TRIGGER progress_residents_update;

-- A household placed in another region.
CREATE FUNCTION progress_households_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM progress_sync(ARRAY(
        SELECT r.id_number
          FROM (SELECT x.household_no
                  FROM (SELECT n.household_no, n.region_code, true AS new FROM new_rows n
                        UNION ALL
                        SELECT o.household_no, o.region_code, false FROM old_rows o) x
                 GROUP BY x.household_no
                HAVING min(x.region_code) FILTER (WHERE x.new)
                       <> min(x.region_code) FILTER (WHERE NOT x.new)) m
          JOIN residents r ON r.household_no = m.household_no));
    RETURN NULL;
END $$;
CREATE TRIGGER progress_households_update AFTER UPDATE ON households
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION progress_households_changed();
ALTER TABLE households ENABLE ALWAYS TRIGGER progress_households_update;

-- An exemption approved (or no longer approved).
CREATE FUNCTION progress_exemptions_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM progress_sync(ARRAY(SELECT n.id_number FROM new_rows n
                                     WHERE n.status = 'approved'));
    ELSE
        PERFORM progress_sync(ARRAY(
            SELECT min(x.id_number) FILTER (WHERE x.new)
              FROM (SELECT n.id, n.id_number, n.year, n.status = 'approved' AS approved,
                           true AS new FROM new_rows n
                    UNION ALL
                    SELECT o.id, o.id_number, o.year, o.status = 'approved', false
                      FROM old_rows o) x
             GROUP BY x.id
            HAVING bool_or(x.new) AND bool_or(NOT x.new)
               AND (bool_or(x.approved) FILTER (WHERE x.new)
                        <> bool_or(x.approved) FILTER (WHERE NOT x.new)
                    OR min(x.id_number) FILTER (WHERE x.new)
                        <> min(x.id_number) FILTER (WHERE NOT x.new)
                    OR min(x.year) FILTER (WHERE x.new)
                        <> min(x.year) FILTER (WHERE NOT x.new))));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER progress_exemptions_insert AFTER INSERT ON exemptions
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION progress_exemptions_changed();
CREATE TRIGGER progress_exemptions_update AFTER UPDATE ON exemptions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION progress_exemptions_changed();
ALTER TABLE exemptions ENABLE ALWAYS TRIGGER progress_exemptions_insert;
ALTER TABLE exemptions ENABLE ALWAYS TRIGGER progress_exemptions_update;

-- Categories held: a new, ended or withdrawn membership moves the person
-- between group columns.
CREATE FUNCTION progress_categories_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM progress_sync(ARRAY(SELECT n.id_number FROM new_rows n));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM progress_sync(ARRAY(SELECT o.id_number FROM old_rows o));
    ELSE
        PERFORM progress_sync(ARRAY(
            SELECT x.id_number
              FROM (SELECT n.id_number, n.category, n.valid_from, n.valid_to,
                           true AS new FROM new_rows n
                    UNION ALL
                    SELECT o.id_number, o.category, o.valid_from, o.valid_to, false
                      FROM old_rows o) x
             GROUP BY x.id_number, x.category, x.valid_from
            HAVING bool_or(x.new)
               AND (NOT bool_or(NOT x.new)
                    OR min(x.valid_to) FILTER (WHERE x.new)
                       IS DISTINCT FROM min(x.valid_to) FILTER (WHERE NOT x.new))));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER progress_categories_insert AFTER INSERT ON resident_categories
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION progress_categories_changed();
CREATE TRIGGER progress_categories_update AFTER UPDATE ON resident_categories
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION progress_categories_changed();
CREATE TRIGGER progress_categories_delete AFTER DELETE ON resident_categories
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION progress_categories_changed();
ALTER TABLE resident_categories ENABLE ALWAYS TRIGGER progress_categories_insert;
ALTER TABLE resident_categories ENABLE ALWAYS TRIGGER progress_categories_update;
ALTER TABLE resident_categories ENABLE ALWAYS TRIGGER progress_categories_delete;

-- A year's window decides who is in a group column: when it moves, the
-- year's enrolments are placed again.
CREATE FUNCTION progress_years_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM progress_sync(ARRAY(
        SELECT e.id_number FROM new_rows n JOIN old_rows o ON o.year = n.year
          JOIN enrolments e ON e.year = n.year
         WHERE (o.collection_start, o.coverage_end) <> (n.collection_start, n.coverage_end)
           AND (e.status = 'paid' OR e.counted_region IS NOT NULL)));
    RETURN NULL;
END $$;
CREATE TRIGGER progress_years_update AFTER UPDATE ON years
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION progress_years_changed();
ALTER TABLE years ENABLE ALWAYS TRIGGER progress_years_update;

-- The enrolled count per direct child of p_region (child NULL: people in
-- households placed on p_region itself) and group, now (p_as_of NULL) or
-- as it stood at p_as_of: the days before from progress_daily, the day
-- itself from progress_events.
CREATE FUNCTION progress_enrolled(p_year integer, p_region text, p_groups text[],
                                  p_as_of timestamptz)
RETURNS TABLE (child text, grp text, enrolled bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    lvl   integer := (SELECT level FROM regions WHERE code = p_region);
    day0  date;
BEGIN
    IF p_as_of IS NULL THEN
        RETURN QUERY
            WITH c AS MATERIALIZED (
                SELECT c.region_code, c.grp, sum(c.enrolled) AS n
                  FROM progress_counts c
                 WHERE c.year = p_year AND c.grp = ANY (p_groups)
                 GROUP BY 1, 2)
            SELECT rg.path[lvl + 1], c.grp, sum(c.n)::bigint
              FROM c JOIN regions rg ON rg.code = c.region_code
             WHERE rg.path[lvl] = p_region
             GROUP BY 1, 2;
        RETURN;
    END IF;
    day0 := (p_as_of AT TIME ZONE 'Asia/Shanghai')::date;
    RETURN QUERY
        WITH x AS MATERIALIZED (
            SELECT d.region_code, d.grp, sum(d.added) AS n FROM progress_daily d
             WHERE d.year = p_year AND d.grp = ANY (p_groups) AND d.day < day0
             GROUP BY 1, 2
            UNION ALL
            SELECT ev.region_code, ev.grp, sum(ev.delta) FROM progress_events ev
             WHERE ev.year = p_year AND ev.grp = ANY (p_groups)
               AND ev.at >= day0::timestamp AT TIME ZONE 'Asia/Shanghai'
               AND ev.at <= p_as_of
             GROUP BY 1, 2)
        SELECT rg.path[lvl + 1], x.grp, sum(x.n)::bigint
          FROM x JOIN regions rg ON rg.code = x.region_code
         WHERE rg.path[lvl] = p_region
         GROUP BY 1, 2;
END $$;

-- Net enrolments per Beijing day under p_region (group 'all').
CREATE FUNCTION progress_days(p_year integer, p_region text)
RETURNS TABLE (day date, added bigint)
LANGUAGE sql STABLE AS $$
    SELECT d.day, sum(d.added)::bigint
      FROM progress_daily d JOIN regions rg ON rg.code = d.region_code
     WHERE d.year = p_year AND d.grp = 'all'
       AND rg.path[(SELECT level FROM regions WHERE code = p_region)] = p_region
     GROUP BY d.day ORDER BY d.day
$$;

-- The targets set on p_region and everything under it, for the report's
-- roll-up (a region without a target of its own shows its children's sum).
CREATE FUNCTION progress_targets(p_year integer, p_region text, p_groups text[])
RETURNS TABLE (region_code text, path text, grp text, target bigint)
LANGUAGE sql STABLE AS $$
    SELECT t.region_code, array_to_string(rg.path, ','), t.grp, t.target
      FROM targets t JOIN regions rg ON rg.code = t.region_code
     WHERE t.year = p_year AND t.grp = ANY (p_groups)
       AND rg.path[(SELECT level FROM regions WHERE code = p_region)] = p_region
$$;

-- What is already paid counts from now on.
SELECT progress_sync(ARRAY(SELECT DISTINCT e.id_number FROM enrolments e
                            WHERE e.status = 'paid'));

-- targets_put(): stores a year's targets given as parallel arrays, all or
-- nothing. Returns one row per bad line (its index from 1, the field, the
-- problem: unknown_year, unknown_region, out_of_scope, unknown_category,
-- duplicate) and stores nothing when there is one. p_replace also deletes
-- the year's targets inside p_scope (NULL: everywhere) that the lines do
-- not name. p_check_only: look for problems, store nothing.
CREATE FUNCTION targets_put(p_year integer, p_regions text[], p_groups text[],
                            p_targets bigint[], p_scope text, p_replace boolean,
                            p_check_only boolean)
RETURNS TABLE (i integer, field text, problem text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    IF NOT EXISTS (SELECT 1 FROM years y WHERE y.year = p_year) THEN
        RETURN QUERY SELECT 0, 'year'::text, 'unknown_year'::text;
        RETURN;
    END IF;
    RETURN QUERY
        WITH l AS (SELECT u.* FROM unnest(p_regions, p_groups, p_targets)
                                   WITH ORDINALITY AS u(region_code, grp, target, i))
        SELECT l.i::integer, 'region_code'::text,
               CASE WHEN rg.code IS NULL THEN 'unknown_region' ELSE 'out_of_scope' END
          FROM l LEFT JOIN regions rg ON rg.code = l.region_code
         WHERE rg.code IS NULL OR (p_scope IS NOT NULL AND NOT p_scope = ANY (rg.path))
        UNION ALL
        SELECT l.i::integer, 'group', 'unknown_category' FROM l
         WHERE l.grp <> 'all' AND NOT EXISTS (SELECT 1 FROM categories c WHERE c.code = l.grp)
        UNION ALL
        SELECT d.i::integer, 'region_code', 'duplicate'
          FROM (SELECT l.i, row_number() OVER (PARTITION BY l.region_code, l.grp
                                               ORDER BY l.i) AS n FROM l) d
         WHERE d.n > 1
         ORDER BY 1, 2;
    IF FOUND OR p_check_only THEN
        RETURN;
    END IF;
    IF p_replace THEN
        DELETE FROM targets t USING regions rg
         WHERE t.year = p_year AND rg.code = t.region_code
           AND (p_scope IS NULL OR p_scope = ANY (rg.path))
           AND NOT EXISTS (SELECT 1 FROM unnest(p_regions, p_groups) u(region_code, grp)
                            WHERE u.region_code = t.region_code AND u.grp = t.grp);
    END IF;
    INSERT INTO targets AS t (year, region_code, grp, target)
    SELECT p_year, u.region_code, u.grp, u.target
      FROM unnest(p_regions, p_groups, p_targets) u(region_code, grp, target)
     ORDER BY u.grp, u.region_code
    ON CONFLICT (year, grp, region_code) DO UPDATE
       SET target = excluded.target, updated_at = now()
     WHERE t.target <> excluded.target;
END $$;

-- targets_suggest(): a target per direct child of p_region the way the
-- county computes it (seed 004): registered residents (not removed; for a
-- category group, those holding it in the year's window) minus those with
-- an approved exemption for the year, minus the employee-insured counts the
-- county supplies (per region, counted for the child they fall under),
-- times p_goal_bp / 10000, rounded half_up, down or up.
CREATE FUNCTION targets_suggest(p_year integer, p_region text, p_group text,
                                p_goal_bp bigint, p_rounding text,
                                p_emp_regions text[], p_emp_counts bigint[])
RETURNS TABLE (region_code text, name text, registered bigint, exempted bigint,
               employee_insured bigint, base bigint, target bigint)
LANGUAGE sql STABLE AS $$
    WITH lvl AS (SELECT level FROM regions WHERE code = p_region),
    yr AS (SELECT * FROM years WHERE year = p_year),
    people AS (
        SELECT rg.path[(SELECT level FROM lvl) + 1] AS child,
               EXISTS (SELECT 1 FROM exemptions x WHERE x.id_number = r.id_number
                          AND x.year = p_year AND x.status = 'approved') AS exempt
          FROM residents r
          JOIN households h ON h.household_no = r.household_no
          JOIN regions rg ON rg.code = h.region_code
         WHERE r.removed_at IS NULL AND rg.path[(SELECT level FROM lvl)] = p_region
           AND (p_group = 'all' OR EXISTS (
                SELECT 1 FROM resident_categories rc, yr
                 WHERE rc.id_number = r.id_number AND rc.category = p_group
                   AND rc.valid_from <= yr.coverage_end
                   AND (rc.valid_to IS NULL OR rc.valid_to >= yr.collection_start)))),
    counted AS (
        SELECT p.child, count(*) AS registered, count(*) FILTER (WHERE p.exempt) AS exempted
          FROM people p WHERE p.child IS NOT NULL GROUP BY p.child),
    emp AS (
        SELECT rg.path[(SELECT level FROM lvl) + 1] AS child, sum(e.n)::bigint AS n
          FROM unnest(p_emp_regions, p_emp_counts) e(code, n)
          JOIN regions rg ON rg.code = e.code
         GROUP BY 1),
    rows AS (
        SELECT c.code, c.name, coalesce(k.registered, 0) AS registered,
               coalesce(k.exempted, 0) AS exempted, coalesce(e.n, 0) AS employee
          FROM regions c
          LEFT JOIN counted k ON k.child = c.code
          LEFT JOIN emp e ON e.child = c.code
         WHERE c.parent_code = p_region)
    SELECT r.code, r.name, r.registered, r.exempted, r.employee,
           greatest(r.registered - r.exempted - r.employee, 0),
           CASE p_rounding
               WHEN 'down' THEN greatest(r.registered - r.exempted - r.employee, 0) * p_goal_bp / 10000
               WHEN 'up' THEN (greatest(r.registered - r.exempted - r.employee, 0) * p_goal_bp + 9999) / 10000
               ELSE (greatest(r.registered - r.exempted - r.employee, 0) * p_goal_bp + 5000) / 10000
           END
      FROM rows r ORDER BY r.code
$$;
