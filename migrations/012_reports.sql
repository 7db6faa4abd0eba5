-- 012_reports: village incentives (工作经费考核奖惩, seed 003 § 五) per year,
-- and an index for the door-to-door lists of unpaid households.

-- A year's incentive scheme: the data-entry fee per enrolled person and
-- the rules "rate >= min_rate by deadline pays fen_per_person".
CREATE TABLE incentive_years (
    year                     integer PRIMARY KEY REFERENCES years (year),
    entry_fee_fen_per_person bigint NOT NULL
        CHECK (entry_fee_fen_per_person BETWEEN 0 AND 100000000),
    updated_at               timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE incentive_rules (
    year           integer NOT NULL REFERENCES incentive_years (year) ON DELETE CASCADE,
    deadline       date    NOT NULL,
    -- the rate in hundredths of a percent: 9500 is 95.00 %
    min_rate_bp    integer NOT NULL CHECK (min_rate_bp BETWEEN 0 AND 10000),
    fen_per_person bigint  NOT NULL CHECK (fen_per_person BETWEEN 0 AND 100000000),
    PRIMARY KEY (year, deadline, min_rate_bp)
);

CREATE TRIGGER incentive_years_audit AFTER INSERT OR UPDATE OR DELETE ON incentive_years
    FOR EACH ROW EXECUTE FUNCTION audit_row('year');
CREATE TRIGGER incentive_rules_audit AFTER INSERT OR UPDATE OR DELETE ON incentive_rules
    FOR EACH ROW EXECUTE FUNCTION audit_row('year');

-- The unpaid list walks a village's households in household_no order;
-- the new index also serves every lookup the region-only one did.
DROP INDEX households_region_idx;
CREATE INDEX households_region_no_idx ON households (region_code, household_no);
