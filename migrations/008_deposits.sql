-- 008_deposits: cash collectors' bank deposits (当日缴、当日存).

CREATE TABLE deposits (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_id     bigint NOT NULL,
    deposited_at timestamptz NOT NULL,
    bank_ref     text NOT NULL CHECK (length(bank_ref) BETWEEN 1 AND 64),
    amount       bigint NOT NULL CHECK (amount > 0),
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Each cash payment goes to the bank once.
CREATE TABLE deposit_items (
    deposit_id bigint NOT NULL REFERENCES deposits (id),
    payment_id bigint NOT NULL UNIQUE REFERENCES payments (id)
);

CREATE INDEX payments_cash_idx ON payments (paid_at) WHERE channel = 'cash';

CREATE TRIGGER deposits_audit AFTER INSERT OR UPDATE OR DELETE ON deposits
    FOR EACH ROW EXECUTE FUNCTION audit_row('id');

-- deposit(): records a deposit of cash payments. Outcomes: created (id,
-- amount), not_cash / not_found / reversed / not_yours / already_deposited
-- (detail: the payment id), empty. A collector deposits only what it took
-- (p_owner: its token id; NULL lets a county or admin deposit any).
CREATE FUNCTION deposit(p_token bigint, p_owner bigint, p_deposited_at timestamptz,
                        p_bank_ref text, p_payment_ids bigint[])
RETURNS TABLE (outcome text, deposit_id bigint, amount bigint, detail text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    bad text;
    total bigint;
    did bigint;
BEGIN
    IF cardinality(p_payment_ids) IS NULL OR cardinality(p_payment_ids) = 0 THEN
        RETURN QUERY SELECT 'empty', NULL::bigint, NULL::bigint, NULL::text;
        RETURN;
    END IF;
    -- lock the payments in id order, then look at each
    PERFORM 1 FROM payments WHERE id = ANY (p_payment_ids) ORDER BY id FOR UPDATE;
    SELECT CASE WHEN p.id IS NULL THEN 'not_found'
                WHEN p.channel <> 'cash' THEN 'not_cash'
                WHEN p.status <> 'accepted' THEN 'reversed'
                WHEN p_owner IS NOT NULL AND p.token_id IS DISTINCT FROM p_owner THEN 'not_yours'
                ELSE 'already_deposited' END || ':' || x
      INTO bad
      FROM unnest(p_payment_ids) AS x
      LEFT JOIN payments p ON p.id = x
     WHERE p.id IS NULL OR p.channel <> 'cash' OR p.status <> 'accepted'
        OR (p_owner IS NOT NULL AND p.token_id IS DISTINCT FROM p_owner)
        OR EXISTS (SELECT 1 FROM deposit_items d WHERE d.payment_id = x)
     ORDER BY x LIMIT 1;
    IF bad IS NOT NULL THEN
        RETURN QUERY SELECT split_part(bad, ':', 1), NULL::bigint, NULL::bigint,
                            split_part(bad, ':', 2);
        RETURN;
    END IF;
    SELECT sum(p.amount) INTO total FROM payments p
     WHERE p.id IN (SELECT DISTINCT unnest(p_payment_ids));
    INSERT INTO deposits (token_id, deposited_at, bank_ref, amount)
    VALUES (p_token, p_deposited_at, p_bank_ref, total) RETURNING id INTO did;
    INSERT INTO deposit_items (deposit_id, payment_id)
    SELECT did, x FROM (SELECT DISTINCT unnest(p_payment_ids) AS x) AS ids;
    RETURN QUERY SELECT 'created', did, total, NULL::text;
END $$;
