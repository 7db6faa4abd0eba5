-- 003_registration: identity documents, removals and moves, exemptions
-- (maker-checker), the late-payment rule, and the append-only audit log.

ALTER TABLE residents
    ADD CONSTRAINT residents_doc_type_check CHECK (doc_type IN (
        'resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit',
        'foreign_permanent_residence', 'birth_certificate')),
    ADD COLUMN removed_at timestamptz,
    ADD COLUMN removed_reason text CHECK (removed_reason IN (
        'deceased', 'moved_away', 'duplicate', 'other')),
    ADD CONSTRAINT residents_removed_check
        CHECK ((removed_at IS NULL) = (removed_reason IS NULL));

-- a newborn's birth-certificate number may later become an ID number
ALTER TABLE residents DROP CONSTRAINT residents_household_no_fkey,
    ADD CONSTRAINT residents_household_no_fkey FOREIGN KEY (household_no)
        REFERENCES households (household_no) ON UPDATE CASCADE;
ALTER TABLE resident_categories DROP CONSTRAINT resident_categories_id_number_fkey,
    ADD CONSTRAINT resident_categories_id_number_fkey FOREIGN KEY (id_number)
        REFERENCES residents (id_number) ON UPDATE CASCADE ON DELETE CASCADE;

-- Every move between households (marriage, split …), kept for history.
CREATE TABLE resident_moves (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id_number      text NOT NULL REFERENCES residents (id_number) ON UPDATE CASCADE,
    from_household text NOT NULL,
    to_household   text NOT NULL,
    reason         text NOT NULL CHECK (reason IN ('marriage', 'split', 'correction', 'other')),
    relation       text,
    note           text CHECK (length(note) <= 500),
    token_id       bigint NOT NULL,
    moved_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resident_moves_id_number_idx ON resident_moves (id_number);

-- Exemptions (核减) for one insurance year. Township staff propose; a county
-- role other than the proposer approves or rejects (maker-checker).
CREATE TABLE exemptions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id_number     text NOT NULL REFERENCES residents (id_number) ON UPDATE CASCADE,
    year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    reason        text NOT NULL CHECK (reason IN ('insured_elsewhere', 'employee_insured',
                                                  'deceased', 'military', 'other')),
    note          text CHECK (length(note) <= 500),
    evidence_ref  text CHECK (length(evidence_ref) <= 200),
    status        text NOT NULL DEFAULT 'proposed'
                  CHECK (status IN ('proposed', 'approved', 'rejected', 'withdrawn')),
    proposed_by   bigint NOT NULL,
    proposed_at   timestamptz NOT NULL DEFAULT now(),
    decided_by    bigint,
    decided_at    timestamptz,
    decision_note text CHECK (length(decision_note) <= 500),
    CHECK ((status IN ('proposed')) = (decided_at IS NULL)),
    CHECK (decided_by IS NULL OR decided_by <> proposed_by)
);
-- at most one open or effective exemption per resident and year
CREATE UNIQUE INDEX exemptions_active_idx ON exemptions (id_number, year)
    WHERE status IN ('proposed', 'approved');
CREATE INDEX exemptions_status_idx ON exemptions (status, year);

-- From no_fiscal_subsidy_from on, does the resident pay the fiscal share?
ALTER TABLE years ADD COLUMN late_pays_fiscal_share boolean NOT NULL DEFAULT true;

-- The audit log: every write, with who, when, what before and after.
-- Append-only: updates and deletes are refused by a trigger.
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    token_id   bigint,
    request_id text,
    action     text NOT NULL,
    entity     text NOT NULL,
    entity_key text,
    before     jsonb,
    after      jsonb
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_key);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Row changes on the registration tables are audited by trigger, so no
-- write can forget it. The actor comes from the transaction's settings
-- (medins.token_id, medins.request_id, set by the service); bulk imports
-- set medins.bulk and write one summary entry instead of one per row.
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
BEGIN
    IF coalesce(current_setting('medins.bulk', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND old_row = new_row THEN
        RETURN NULL;
    END IF;
    INSERT INTO audit_log (token_id, request_id, action, entity, entity_key, before, after)
    VALUES (nullif(current_setting('medins.token_id', true), '')::bigint,
            nullif(current_setting('medins.request_id', true), ''),
            lower(TG_OP), TG_TABLE_NAME,
            coalesce(new_row, old_row) ->> TG_ARGV[0], old_row, new_row);
    RETURN NULL;
END $$;

CREATE TRIGGER households_audit AFTER INSERT OR UPDATE OR DELETE ON households
    FOR EACH ROW EXECUTE FUNCTION audit_row('household_no');
CREATE TRIGGER residents_audit AFTER INSERT OR UPDATE OR DELETE ON residents
    FOR EACH ROW EXECUTE FUNCTION audit_row('id_number');
CREATE TRIGGER resident_categories_audit AFTER INSERT OR UPDATE OR DELETE ON resident_categories
    FOR EACH ROW EXECUTE FUNCTION audit_row('id_number');
CREATE TRIGGER exemptions_audit AFTER INSERT OR UPDATE OR DELETE ON exemptions
    FOR EACH ROW EXECUTE FUNCTION audit_row('id_number');
CREATE TRIGGER resident_moves_audit AFTER INSERT ON resident_moves
    FOR EACH ROW EXECUTE FUNCTION audit_row('id_number');
CREATE TRIGGER years_audit AFTER INSERT OR UPDATE OR DELETE ON years
    FOR EACH ROW EXECUTE FUNCTION audit_row('year');
CREATE TRIGGER categories_audit AFTER INSERT OR UPDATE OR DELETE ON categories
    FOR EACH ROW EXECUTE FUNCTION audit_row('code');
CREATE TRIGGER year_tiers_audit AFTER INSERT OR UPDATE OR DELETE ON year_tiers
    FOR EACH ROW EXECUTE FUNCTION audit_row('year');
CREATE TRIGGER year_subsidies_audit AFTER INSERT OR UPDATE OR DELETE ON year_subsidies
    FOR EACH ROW EXECUTE FUNCTION audit_row('year');
CREATE TRIGGER regions_audit AFTER INSERT OR UPDATE OR DELETE ON regions
    FOR EACH ROW EXECUTE FUNCTION audit_row('code');
CREATE TRIGGER api_tokens_audit AFTER INSERT OR UPDATE OR DELETE ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION audit_row('id');
