-- 007_orders: payment orders for WeChat Pay and Alipay, the anomalies staff
-- must look at (money that arrived but cannot pay anything), and
-- order_paid(), which a verified notification calls in one round trip.

CREATE TABLE payment_orders (
    out_trade_no text PRIMARY KEY CHECK (out_trade_no ~ '^[A-Za-z0-9]{6,32}$'),
    channel      text NOT NULL CHECK (channel IN ('wechat', 'alipay')),
    year         integer NOT NULL REFERENCES years (year),
    tier         smallint NOT NULL,
    household_no text,
    id_numbers   text[],
    amount       bigint NOT NULL CHECK (amount > 0),
    expires_at   timestamptz NOT NULL,
    status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid')),
    payment_id   bigint REFERENCES payments (id),
    token_id     bigint,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((household_no IS NULL) <> (id_numbers IS NULL)),
    CHECK ((status = 'paid') = (payment_id IS NOT NULL))
);

-- A verified notification that paid nothing: for staff to refund or fix.
CREATE TABLE payment_anomalies (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel      text NOT NULL,
    external_id  text NOT NULL,
    out_trade_no text,
    kind         text NOT NULL CHECK (kind IN ('unknown_order', 'amount_mismatch',
                                               'overpaid', 'refund', 'not_payable',
                                               'wrong_merchant')),
    amount       bigint,
    detail       text,
    notification jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    resolved_at  timestamptz,
    resolution   text,
    -- a retried notification records its anomaly once
    UNIQUE (channel, external_id, kind)
);

-- order_create(): an order for what these people owe today (Beijing date),
-- by the same rules as pay(). Outcomes: created (amount), no_year, no_tier,
-- empty, unknown_resident/removed/exempted/out_of_scope (detail: the ID),
-- already_paid (detail: the ID), nothing_due, too_late.
CREATE FUNCTION order_create(p_channel text, p_out_trade_no text, p_year integer,
                             p_tier integer, p_household text, p_ids text[],
                             p_token bigint, p_scope text, p_expires_at timestamptz)
RETURNS TABLE (outcome text, amount bigint, detail text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    y   years%ROWTYPE;
    d   date := (now() AT TIME ZONE 'Asia/Shanghai')::date;
    ids text[];
    bad text;
    due bigint;
BEGIN
    SELECT * INTO y FROM years WHERE years.year = p_year;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'no_year', NULL::bigint, NULL::text;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM year_tiers t WHERE t.year = p_year AND t.tier = p_tier) THEN
        RETURN QUERY SELECT 'no_tier', NULL::bigint, NULL::text;
        RETURN;
    END IF;
    ids := payable_people(p_year, p_household, p_ids);
    IF ids IS NULL THEN
        RETURN QUERY SELECT 'empty', NULL::bigint, NULL::text;
        RETURN;
    END IF;
    bad := people_problem(p_year, ids, p_scope);
    IF bad IS NOT NULL THEN
        RETURN QUERY SELECT split_part(bad, ':', 2), NULL::bigint, split_part(bad, ':', 1);
        RETURN;
    END IF;
    SELECT e.id_number INTO bad FROM enrolments e
     WHERE e.id_number = ANY (ids) AND e.year = p_year AND e.status = 'paid'
     ORDER BY e.id_number LIMIT 1;
    IF bad IS NOT NULL THEN
        RETURN QUERY SELECT 'already_paid', NULL::bigint, bad;
        RETURN;
    END IF;
    IF coverage_start(y, d) > y.coverage_end THEN
        RETURN QUERY SELECT 'too_late', NULL::bigint, NULL::text;
        RETURN;
    END IF;
    SELECT sum(l.due - l.subsidy) INTO due FROM unnest(due_lines(p_year, p_tier, d, ids)) l;
    IF due = 0 THEN
        RETURN QUERY SELECT 'nothing_due', 0::bigint, NULL::text;
        RETURN;
    END IF;
    INSERT INTO payment_orders (out_trade_no, channel, year, tier, household_no,
                                id_numbers, amount, expires_at, token_id)
    VALUES (p_out_trade_no, p_channel, p_year, p_tier, p_household,
            CASE WHEN p_household IS NULL THEN ids END, due, p_expires_at, p_token);
    RETURN QUERY SELECT 'created', due, NULL::text;
END $$;

-- order_paid(): a verified, successful notification for an order.
-- Returns paid (the payment was recorded now), duplicate (the same
-- notification again), or anomaly (recorded in payment_anomalies; detail
-- says which kind). Parallel copies serialise on the order's row.
CREATE FUNCTION order_paid(p_channel text, p_out_trade_no text, p_external_id text,
                           p_amount bigint, p_paid_at timestamptz, p_notification jsonb)
RETURNS TABLE (outcome text, payment_id bigint, detail text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    o     payment_orders%ROWTYPE;
    r     record;
    kind  text;
    known boolean;
BEGIN
    SELECT * INTO o FROM payment_orders WHERE out_trade_no = p_out_trade_no FOR UPDATE;
    known := FOUND;
    IF EXISTS (SELECT 1 FROM payments p WHERE p.channel = p_channel
                AND p.external_id = p_external_id) THEN
        RETURN QUERY SELECT 'duplicate', o.payment_id, NULL::text;
        RETURN;
    END IF;
    IF NOT known OR o.channel <> p_channel THEN
        kind := 'unknown_order';
    ELSIF o.amount <> p_amount THEN
        kind := 'amount_mismatch';
    ELSIF o.status = 'paid' THEN
        kind := 'overpaid'; -- a second payment of one order
    ELSE
        SELECT * INTO r FROM pay(p_channel, p_external_id, 'order:' || p_out_trade_no,
                                 o.year, o.tier, p_paid_at, p_amount, o.household_no,
                                 o.id_numbers, o.token_id, NULL, NULL) LIMIT 1;
        IF r.outcome = 'created' THEN
            UPDATE payment_orders SET status = 'paid', payment_id = r.payment_id
             WHERE out_trade_no = p_out_trade_no;
            RETURN QUERY SELECT 'paid', r.payment_id, NULL::text;
            RETURN;
        ELSIF r.outcome IN ('replayed', 'key_conflict') THEN
            RETURN QUERY SELECT 'duplicate', r.payment_id, NULL::text;
            RETURN;
        END IF;
        -- the people were paid through another channel meanwhile, or
        -- their due changed: the money is kept as an anomaly to refund
        kind := CASE r.outcome WHEN 'already_paid' THEN 'overpaid'
                               WHEN 'amount_mismatch' THEN 'amount_mismatch'
                               ELSE 'not_payable' END;
        INSERT INTO payment_anomalies (channel, external_id, out_trade_no, kind, amount,
                                       detail, notification)
        VALUES (p_channel, p_external_id, p_out_trade_no, kind, p_amount,
                r.outcome || coalesce(' ' || r.id_number, ''), p_notification)
        ON CONFLICT (channel, external_id, kind) DO NOTHING;
        RETURN QUERY SELECT 'anomaly', NULL::bigint, kind;
        RETURN;
    END IF;
    INSERT INTO payment_anomalies (channel, external_id, out_trade_no, kind, amount,
                                   detail, notification)
    VALUES (p_channel, p_external_id, p_out_trade_no, kind, p_amount, NULL, p_notification)
    ON CONFLICT (channel, external_id, kind) DO NOTHING;
    RETURN QUERY SELECT 'anomaly', NULL::bigint, kind;
END $$;

-- A notification signed by the platform but not for us, or not a payment
-- we can take (a refund): recorded once, pays nothing.
CREATE FUNCTION record_anomaly(p_channel text, p_external_id text, p_out_trade_no text,
                               p_kind text, p_amount bigint, p_detail text,
                               p_notification jsonb)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO payment_anomalies (channel, external_id, out_trade_no, kind, amount,
                                   detail, notification)
    VALUES (p_channel, p_external_id, p_out_trade_no, p_kind, p_amount, p_detail,
            p_notification)
    ON CONFLICT (channel, external_id, kind) DO NOTHING
$$;
