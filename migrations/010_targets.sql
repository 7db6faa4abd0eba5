-- 010_targets: the county's targets (任务数) per year, region and group.
-- group is 'all' (everyone) or a category code (a sub-population with its
-- own column in the progress report). A region without a target of its
-- own shows the sum of its children's (computed when reports are built).
CREATE TABLE targets (
    year        integer NOT NULL REFERENCES years (year),
    region_code text    NOT NULL REFERENCES regions (code),
    grp         text    NOT NULL CHECK (grp = 'all' OR grp ~ '^[a-z][a-z0-9_]{0,31}$'),
    target      bigint  NOT NULL CHECK (target >= 0 AND target <= 100000000),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (year, grp, region_code)
);

-- a group other than 'all' must name a category that exists
CREATE FUNCTION targets_group_known() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.grp <> 'all' AND NOT EXISTS (SELECT 1 FROM categories c WHERE c.code = NEW.grp) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'unknown category ' || NEW.grp;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER targets_group_known BEFORE INSERT OR UPDATE ON targets
    FOR EACH ROW EXECUTE FUNCTION targets_group_known();

CREATE TRIGGER targets_audit AFTER INSERT OR UPDATE OR DELETE ON targets
    FOR EACH ROW EXECUTE FUNCTION audit_row('region_code');
