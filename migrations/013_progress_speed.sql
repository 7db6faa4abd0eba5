-- 013_progress_speed: two plans of 011 that go wrong at county scale.
--
-- 1. The progress triggers compare a statement's old and new rows by
-- grouping them, not by joining them.
--
-- Transition tables (old_rows, new_rows) carry no statistics: the planner
-- takes each for one row and joins the two with a nested loop, which
-- compares every old row with every new one. A tax bureau batch of 5,000
-- lines updates 5,000 enrolments (progress_sync() marks them counted):
-- 25 million comparisons, 8 s of a batch that took 0.1 s before 011; the
-- daily detail of 941,000 lines went from 23 s to about 15 minutes. Grouping
-- the union of both tables by the join key (a hash or sort aggregate) costs
-- rows × log rows whatever the planner believes. Each function keeps 011's
-- meaning: the same people are handed to progress_sync().
--
-- 2. progress_enrolled() sums the counts (or the history and the day's
-- events, for as_of) per village first, then places the sums in the region
-- tree. 011 joined every event to regions: the planner takes the regions
-- under p_region for one row, and once PL/pgSQL caches a generic plan
-- (after five calls in a session) it loops over the regions and scans the
-- day's events once for each: 35 to 47 s for an as_of report in the middle
-- of a 941,000-payment day, against 0.6 s for the first five. The sums are
-- a materialized CTE of a few hundred rows, so no plan can repeat the scan.
-- The result is the same.

CREATE OR REPLACE FUNCTION progress_enrolments_changed() RETURNS trigger
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

-- A person moved to another household (maybe another village).
CREATE OR REPLACE FUNCTION progress_residents_changed() RETURNS trigger
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

-- A household placed in another region.
CREATE OR REPLACE FUNCTION progress_households_changed() RETURNS trigger
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

-- An exemption approved (or no longer approved), or moved to another
-- person or year: its (new) person.
CREATE OR REPLACE FUNCTION progress_exemptions_changed() RETURNS trigger
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

-- Categories held: a new, ended or withdrawn membership moves the person
-- between group columns. An updated membership counts when its end moved
-- or when it is new under its key (person, category, start).
CREATE OR REPLACE FUNCTION progress_categories_changed() RETURNS trigger
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

-- The enrolled count per direct child of p_region (child NULL: people in
-- households placed on p_region itself) and group, now (p_as_of NULL) or
-- as it stood at p_as_of: the days before from progress_daily, the day
-- itself from progress_events. Summed per region first (see above).
CREATE OR REPLACE FUNCTION progress_enrolled(p_year integer, p_region text, p_groups text[],
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
