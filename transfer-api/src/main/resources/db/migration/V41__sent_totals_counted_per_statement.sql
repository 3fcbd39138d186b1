-- The hourly sent totals (V8, V28) are counted once per statement instead of once per row (issue 16): a group
-- commit's transfers are one INSERT, and its row trigger ran a PL/pgSQL call and an INSERT ... ON CONFLICT per
-- payment; now one INSERT adds each (sender, hour)'s sum of the statement's new rows. Refunds and the transfers that
-- pay claims are still not counted (the claim counted when it was made: count_claim_by_hour, per row, unchanged).
-- The sums are grouped (an upsert may not touch a row twice in one statement) and written in (sender, hour) order, so
-- two statements locking the same totals take them in the same order.
CREATE FUNCTION count_sent_by_hour_per_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sent_by_hour (user_id, hour, sent_cents)
    SELECT n.sender_id, floor(extract(epoch FROM n.created_at) / 3600)::bigint, sum(n.amount_cents)
      FROM new_rows n
     WHERE n.refund_of IS NULL AND n.claim_id IS NULL
     GROUP BY 1, 2
     ORDER BY 1, 2
    ON CONFLICT (user_id, hour) DO UPDATE SET sent_cents = sent_by_hour.sent_cents + EXCLUDED.sent_cents;
    RETURN NULL;
END $$;
DROP TRIGGER transfers_count_sent ON transfers;
DROP FUNCTION count_sent_by_hour();
CREATE TRIGGER transfers_count_sent AFTER INSERT ON transfers REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_sent_by_hour_per_statement();
