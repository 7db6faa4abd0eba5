-- 009_enrolments: registering a household's (or some people's) enrolment for
-- a year ahead of payment.

-- Outcomes: registered (count: new enrolments; detail: how many were there
-- already), no_year, no_tier, empty, or a person's problem as in
-- people_problem() (detail: the ID).
CREATE FUNCTION register_enrolments(p_year integer, p_tier integer, p_household text,
                                    p_ids text[], p_scope text)
RETURNS TABLE (outcome text, count bigint, detail text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    ids text[];
    bad text;
    n   bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM years y WHERE y.year = p_year) THEN
        RETURN QUERY SELECT 'no_year', 0::bigint, NULL::text;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM year_tiers t WHERE t.year = p_year AND t.tier = p_tier) THEN
        RETURN QUERY SELECT 'no_tier', 0::bigint, NULL::text;
        RETURN;
    END IF;
    ids := payable_people(p_year, p_household, p_ids);
    IF ids IS NULL THEN
        RETURN QUERY SELECT 'empty', 0::bigint, NULL::text;
        RETURN;
    END IF;
    bad := people_problem(p_year, ids, p_scope);
    IF bad IS NOT NULL THEN
        RETURN QUERY SELECT split_part(bad, ':', 2), 0::bigint, split_part(bad, ':', 1);
        RETURN;
    END IF;
    INSERT INTO enrolments (id_number, year, tier, status)
    SELECT x, p_year, p_tier, 'registered' FROM unnest(ids) AS x
    ON CONFLICT (id_number, year) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN QUERY SELECT 'registered', n, (cardinality(ids) - n)::text;
END $$;
