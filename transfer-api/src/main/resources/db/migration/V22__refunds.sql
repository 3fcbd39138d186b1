-- Refunds: a refund is a transfer back from a payment's receiver to its payer, linked to the payment by refund_of.
-- It is paid from the receiver's wallet balance only (no bank, no card, no fee), never refunds a refund, and the
-- refunds of one payment never add up to more than the payment (checked under the payment's row lock by the API; the
-- trigger below refuses any write that would break it all the same).
ALTER TABLE transfers ADD COLUMN refund_of uuid REFERENCES transfers (id);
ALTER TABLE transfers ADD CONSTRAINT transfers_refund_from_balance
    CHECK (refund_of IS NULL OR (balance_cents = amount_cents AND fee_cents = 0 AND payment_request_id IS NULL));
CREATE INDEX transfers_refunds ON transfers (refund_of) WHERE refund_of IS NOT NULL;

CREATE FUNCTION check_refund() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    original transfers%ROWTYPE;
    refunded bigint;
BEGIN
    SELECT * INTO original FROM transfers WHERE id = NEW.refund_of FOR NO KEY UPDATE;
    IF original.refund_of IS NOT NULL THEN
        RAISE EXCEPTION 'transfer % is a refund; a refund cannot be refunded', original.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.sender_id <> original.receiver_id OR NEW.receiver_id <> original.sender_id THEN
        RAISE EXCEPTION 'a refund of % goes from its receiver back to its payer', original.id
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT coalesce(sum(amount_cents), 0) INTO refunded FROM transfers WHERE refund_of = original.id;
    IF refunded + NEW.amount_cents > original.amount_cents THEN
        RAISE EXCEPTION 'refunds of % would reach % cents; it was % cents', original.id,
            refunded + NEW.amount_cents, original.amount_cents USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER transfers_refund_checked BEFORE INSERT ON transfers
    FOR EACH ROW WHEN (NEW.refund_of IS NOT NULL) EXECUTE FUNCTION check_refund();

-- A refund gives back money already counted against the payer's limits: it does not count against the refunder's.
CREATE OR REPLACE FUNCTION count_sent_by_hour() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.refund_of IS NOT NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO sent_by_hour (user_id, hour, sent_cents)
    VALUES (NEW.sender_id, floor(extract(epoch FROM NEW.created_at) / 3600)::bigint, NEW.amount_cents)
    ON CONFLICT (user_id, hour) DO UPDATE SET sent_cents = sent_by_hour.sent_cents + EXCLUDED.sent_cents;
    RETURN NULL;
END $$;
