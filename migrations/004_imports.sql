-- 004_imports: bulk imports of the household roster and of category member
-- lists. The service checks each line on its own, then hands the good lines
-- over in batches, one function call per batch: the functions below take
-- the batch as parallel arrays and work set-based (no row-by-row loops).
-- Each call turns the per-row audit off for its transaction (medins.bulk);
-- the service writes one summary audit entry per import instead.

-- Which import last wrote a membership: a replacing import ends those it
-- did not stamp.
ALTER TABLE resident_categories ADD COLUMN import_stamp text;

-- The row audit of the tables an import writes skips the rows written
-- with medins.bulk on before they reach audit_row() at all (a WHEN
-- condition keeps them out of the after-trigger queue), so a million-row
-- import does not pay for a million trigger calls.
DROP TRIGGER households_audit ON households;
CREATE TRIGGER households_audit AFTER INSERT OR UPDATE OR DELETE ON households
    FOR EACH ROW
    WHEN (current_setting('medins.bulk', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION audit_row('household_no');
DROP TRIGGER residents_audit ON residents;
CREATE TRIGGER residents_audit AFTER INSERT OR UPDATE OR DELETE ON residents
    FOR EACH ROW
    WHEN (current_setting('medins.bulk', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION audit_row('id_number');
DROP TRIGGER resident_categories_audit ON resident_categories;
CREATE TRIGGER resident_categories_audit
    AFTER INSERT OR UPDATE OR DELETE ON resident_categories
    FOR EACH ROW
    WHEN (current_setting('medins.bulk', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION audit_row('id_number');

-- Applies a batch of roster lines (one per household member). The arrays
-- are parallel, one element per line; relation, phone and attribute may be
-- NULL (not given: a stored value is kept); categories is a ';'-separated
-- list of known codes or ''. The caller guarantees that no id_number occurs
-- twice and that all lines of a household agree on region and attribute.
-- A line is rejected when its household exists in another region or its
-- person is registered in another household (or was removed from this one);
-- otherwise it inserts or updates its household and person, and gives the
-- person the listed categories from p_today on unless one is held today.
-- Returns the counts and the rejected lines with field and message.
-- Two batches of one file may run at once (on two connections): a household
-- split between them is inserted by one and taken over by the other.
-- Like the two functions after it, it runs with jit off: compiling its
-- large statement would cost far more than running it on a few thousand
-- rows.
CREATE FUNCTION import_roster(
    p_line integer[], p_household text[], p_region text[], p_attribute text[],
    p_relation text[], p_name text[], p_id text[], p_doc_type text[],
    p_phone text[], p_birth date[], p_sex text[], p_categories text[],
    p_today date,
    OUT households integer, OUT residents integer, OUT updated integer,
    OUT unchanged integer, OUT rejected_lines integer[],
    OUT rejected_fields text[], OUT rejected_messages text[])
LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    PERFORM set_config('medins.bulk', 'on', true);
    -- the caller commits its last transaction synchronously, which makes
    -- every batch before it durable too
    PERFORM set_config('synchronous_commit', 'off', true);
    WITH input AS (
        SELECT * FROM unnest(p_line, p_household, p_region, p_attribute,
                             p_relation, p_name, p_id, p_doc_type, p_phone,
                             p_birth, p_sex, p_categories)
            AS t(line, household_no, region_code, attribute, relation, name,
                 id_number, doc_type, phone, birth_date, sex, categories)
    ),
    -- each line beside what is stored for its household and its person
    -- (lateral lookups: one index probe each per line, never a table scan),
    -- what is wrong with it, and what of it is news
    verdict AS MATERIALIZED (
        SELECT i.*, h.region_code AS stored_region,
               r.household_no AS stored_household, r.removed_reason,
               CASE WHEN h.region_code <> i.region_code THEN 'household_no'
                    WHEN r.household_no <> i.household_no OR
                         r.removed_reason IS NOT NULL THEN 'id_number'
               END AS bad_field,
               h.region_code IS NULL OR
                   (i.attribute IS NOT NULL AND
                    h.attribute IS DISTINCT FROM i.attribute)
                   AS household_news,
               r.household_no IS NULL OR
                   (r.name, r.relation, r.phone) IS DISTINCT FROM
                   (i.name, coalesce(i.relation, r.relation),
                    coalesce(i.phone, r.phone)) AS person_news
        FROM input i
        LEFT JOIN LATERAL (
            SELECT h.region_code, h.attribute FROM households h
            WHERE h.household_no = i.household_no LIMIT 1) h ON true
        LEFT JOIN LATERAL (
            SELECT r.household_no, r.removed_reason, r.name, r.relation,
                   r.phone FROM residents r
            WHERE r.id_number = i.id_number LIMIT 1) r ON true
    ),
    -- new households, and changed attributes of stored ones. A household
    -- that another transaction (another batch of this very file, say)
    -- registered meanwhile is taken when in the same region (the update
    -- then returns it) and left alone when in another one.
    households_written AS (
        INSERT INTO households AS h (household_no, region_code, attribute)
        SELECT DISTINCT ON (household_no) household_no, region_code, attribute
        FROM verdict WHERE bad_field IS NULL AND household_news
        ORDER BY household_no, line
        ON CONFLICT (household_no) DO UPDATE
            SET attribute = coalesce(excluded.attribute, h.attribute),
                updated_at = CASE WHEN h.attribute IS NOT DISTINCT FROM
                                       coalesce(excluded.attribute,
                                                h.attribute)
                                  THEN h.updated_at ELSE now() END
            WHERE h.region_code = excluded.region_code
        RETURNING h.household_no, (h.xmax = 0) AS inserted
    ),
    -- people not stored (in this snapshot) are inserted plainly: should
    -- another transaction have registered one meanwhile, the unique
    -- violation makes the caller run the batch again. A line is placed
    -- when its household is in its region (stored so, or written now).
    residents_written AS (
        INSERT INTO residents (id_number, doc_type, household_no, name,
                               relation, phone, birth_date, sex)
        SELECT id_number, doc_type, household_no, name, relation, phone,
               birth_date, sex
        FROM verdict
        WHERE bad_field IS NULL AND stored_household IS NULL
          AND (stored_region IS NOT NULL OR household_no IN (
                   SELECT household_no FROM households_written))
        RETURNING id_number
    ),
    residents_changed AS (
        INSERT INTO residents AS r (id_number, doc_type, household_no, name,
                                    relation, phone, birth_date, sex)
        SELECT id_number, doc_type, household_no, name, relation, phone,
               birth_date, sex
        FROM verdict
        WHERE bad_field IS NULL AND stored_household IS NOT NULL
          AND person_news
        ON CONFLICT (id_number) DO UPDATE
            SET name = excluded.name,
                relation = coalesce(excluded.relation, r.relation),
                phone = coalesce(excluded.phone, r.phone),
                updated_at = now()
            WHERE r.household_no = excluded.household_no
              AND r.removed_at IS NULL
        RETURNING r.id_number
    ),
    -- what became of each line
    outcome AS MATERIALIZED (
        SELECT v.line, v.id_number, v.categories, v.stored_household,
               v.household_no, v.bad_field, v.removed_reason,
               v.bad_field IS NULL AND (v.stored_region IS NOT NULL OR
                   v.household_no IN (SELECT household_no
                                      FROM households_written)) AS placed,
               v.id_number IN (SELECT id_number FROM residents_written)
                   AS new_person,
               v.id_number IN (SELECT id_number FROM residents_changed) OR
                   -- seen before and written now: its attribute changed
                   (v.stored_region IS NOT NULL AND v.household_no IN (
                        SELECT household_no FROM households_written))
                   AS changed
        FROM verdict v
    ),
    -- settled: the line's person is now a member of the line's household
    -- (not so when another import registered them elsewhere meanwhile)
    settled AS (
        SELECT o.* FROM outcome o
        WHERE o.placed AND (o.new_person OR o.stored_household = o.household_no)
    ),
    held_written AS (
        INSERT INTO resident_categories (id_number, category, valid_from,
                                         source)
        SELECT DISTINCT s.id_number, c.code, p_today, 'roster'
        FROM settled s
        CROSS JOIN LATERAL unnest(string_to_array(s.categories, ';')) AS c(code)
        WHERE s.categories <> ''
          AND CASE WHEN s.new_person THEN true
              ELSE (SELECT count(*) FROM resident_categories rc
                    WHERE rc.id_number = s.id_number AND rc.category = c.code
                      AND rc.valid_from <= p_today
                      AND (rc.valid_to IS NULL OR rc.valid_to >= p_today)) = 0
              END
        ON CONFLICT DO NOTHING
        RETURNING id_number
    ),
    judged AS (
        SELECT o.line, o.new_person,
               o.changed OR o.id_number IN (SELECT id_number
                                            FROM held_written) AS changed,
               CASE WHEN o.bad_field IS NOT NULL THEN o.bad_field
                    WHEN NOT o.placed THEN 'household_no'
                    WHEN NOT (o.new_person OR
                              o.stored_household = o.household_no)
                        THEN 'id_number'
               END AS bad_field,
               CASE WHEN o.bad_field = 'household_no' OR
                         (o.bad_field IS NULL AND NOT o.placed)
                        THEN 'household ' || o.household_no ||
                             ' is registered in another region'
                    WHEN o.stored_household = o.household_no AND
                         o.removed_reason IS NOT NULL
                        THEN 'removed from this household (' ||
                             o.removed_reason || ')'
                    ELSE 'already registered in household ' ||
                         coalesce(o.stored_household, 'another')
               END AS message
        FROM outcome o
    )
    SELECT (SELECT count(*) FROM households_written WHERE inserted),
           count(*) FILTER (WHERE bad_field IS NULL AND new_person),
           count(*) FILTER (WHERE bad_field IS NULL AND NOT new_person
                                  AND changed),
           count(*) FILTER (WHERE bad_field IS NULL AND NOT new_person
                                  AND NOT changed),
           coalesce(array_agg(line ORDER BY line)
                        FILTER (WHERE bad_field IS NOT NULL), '{}'),
           coalesce(array_agg(bad_field ORDER BY line)
                        FILTER (WHERE bad_field IS NOT NULL), '{}'),
           coalesce(array_agg(message ORDER BY line)
                        FILTER (WHERE bad_field IS NOT NULL), '{}')
    INTO households, residents, updated, unchanged, rejected_lines,
         rejected_fields, rejected_messages
    FROM judged;
END $$;

-- Applies a batch of a category's member list: one (id_number, valid_from,
-- valid_to, source) per line, parallel arrays, no (id_number, valid_from)
-- twice. A line is rejected when its person is unknown or, when p_scope is
-- given, lives outside that region (the token's region: the same rule as
-- access_decide's scope check). Good lines insert or update their
-- membership; with p_stamp (a replacing import) every written or matching
-- membership is stamped, and so are the current memberships of p_keep
-- (people whose lines were rejected for their dates: a replacing import
-- must not end them for a typo).
CREATE FUNCTION import_category_members(
    p_category text, p_line integer[], p_id text[], p_from date[],
    p_to date[], p_source text[], p_keep text[], p_scope text, p_stamp text,
    OUT inserted integer, OUT updated integer, OUT unchanged integer,
    OUT rejected_lines integer[], OUT rejected_fields text[],
    OUT rejected_messages text[])
LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    PERFORM set_config('medins.bulk', 'on', true);
    -- durable with the caller's last, synchronous commit
    PERFORM set_config('synchronous_commit', 'off', true);
    IF p_stamp IS NOT NULL AND cardinality(p_keep) > 0 THEN
        UPDATE resident_categories SET import_stamp = p_stamp
        WHERE category = p_category AND id_number = ANY (p_keep);
    END IF;
    WITH input AS (
        SELECT * FROM unnest(p_line, p_id, p_from, p_to, p_source)
            AS t(line, id_number, valid_from, valid_to, source)
    ),
    -- (lateral lookups: index probes per line, never a table scan)
    verdict AS MATERIALIZED (
        SELECT i.*,
               CASE WHEN p.path IS NULL THEN 'no such resident'
                    WHEN p_scope IS NOT NULL AND NOT p_scope = ANY (p.path)
                        THEN 'outside this token''s region'
               END AS problem,
               rc.found IS NOT NULL AS existed,
               (rc.valid_to, rc.source) IS NOT DISTINCT FROM
                   (i.valid_to, i.source) AS same
        FROM input i
        LEFT JOIN LATERAL (
            SELECT rg.path FROM residents p
            JOIN households h ON h.household_no = p.household_no
            JOIN regions rg ON rg.code = h.region_code
            WHERE p.id_number = i.id_number LIMIT 1) p ON true
        LEFT JOIN LATERAL (
            SELECT true AS found, rc.valid_to, rc.source
            FROM resident_categories rc
            WHERE rc.id_number = i.id_number AND rc.category = p_category
              AND rc.valid_from = i.valid_from LIMIT 1) rc ON true
    ),
    written AS (
        INSERT INTO resident_categories AS rc (id_number, category, valid_from,
                                               valid_to, source, import_stamp)
        SELECT id_number, p_category, valid_from, valid_to, source, p_stamp
        FROM verdict WHERE problem IS NULL
        ON CONFLICT (id_number, category, valid_from) DO UPDATE
            SET valid_to = excluded.valid_to, source = excluded.source,
                import_stamp = coalesce(excluded.import_stamp, rc.import_stamp)
            WHERE (rc.valid_to, rc.source) IS DISTINCT FROM
                  (excluded.valid_to, excluded.source)
               OR rc.import_stamp IS DISTINCT FROM
                  coalesce(excluded.import_stamp, rc.import_stamp)
        RETURNING 1
    )
    SELECT count(*) FILTER (WHERE problem IS NULL AND NOT existed),
           count(*) FILTER (WHERE problem IS NULL AND existed AND NOT same),
           count(*) FILTER (WHERE problem IS NULL AND existed AND same),
           coalesce(array_agg(line ORDER BY line)
                        FILTER (WHERE problem IS NOT NULL), '{}'),
           coalesce(array_agg('id_number'::text ORDER BY line)
                        FILTER (WHERE problem IS NOT NULL), '{}'),
           coalesce(array_agg(problem ORDER BY line)
                        FILTER (WHERE problem IS NOT NULL), '{}')
    INTO inserted, updated, unchanged, rejected_lines, rejected_fields,
         rejected_messages
    FROM verdict;
END $$;

-- The end of a replacing import: every membership of the category valid
-- on p_today that the import did not stamp ends yesterday (one that would
-- only have started today is deleted: it never took effect). With p_scope,
-- only people of that region are touched. Returns how many ended.
CREATE FUNCTION end_category_members(
    p_category text, p_stamp text, p_scope text, p_today date,
    OUT ended integer)
LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    PERFORM set_config('medins.bulk', 'on', true);
    WITH gone AS (
        SELECT rc.id_number, rc.valid_from
        FROM resident_categories rc
        JOIN residents p ON p.id_number = rc.id_number
        JOIN households h ON h.household_no = p.household_no
        JOIN regions rg ON rg.code = h.region_code
        WHERE rc.category = p_category
          AND rc.valid_from <= p_today
          AND (rc.valid_to IS NULL OR rc.valid_to >= p_today)
          AND rc.import_stamp IS DISTINCT FROM p_stamp
          AND (p_scope IS NULL OR p_scope = ANY (rg.path))
    ),
    cut AS (
        UPDATE resident_categories rc SET valid_to = p_today - 1
        FROM gone g
        WHERE rc.id_number = g.id_number AND rc.category = p_category
          AND rc.valid_from = g.valid_from AND g.valid_from < p_today
        RETURNING 1
    ),
    dropped AS (
        DELETE FROM resident_categories rc USING gone g
        WHERE rc.id_number = g.id_number AND rc.category = p_category
          AND rc.valid_from = g.valid_from AND g.valid_from = p_today
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM cut) + (SELECT count(*) FROM dropped)
    INTO ended;
END $$;
