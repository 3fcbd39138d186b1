-- What each user sent per UTC hour. The daily and weekly limits (rolling 24 hours and 7 days) read at most 169 of
-- these rows, plus the sender's transfers in the one partial hour at each window's start, instead of every transfer
-- of the past week: the check stays cheap however much a user sends. A trigger keeps it, so every way a transfer is
-- written counts; a transfer's sender, amount and time can no longer change once written.
CREATE TABLE sent_by_hour (
    user_id     uuid NOT NULL,
    hour        bigint NOT NULL,  -- whole hours since 1970-01-01T00:00Z
    sent_cents  bigint NOT NULL CHECK (sent_cents >= 0),
    PRIMARY KEY (user_id, hour)
);

CREATE FUNCTION count_sent_by_hour() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sent_by_hour (user_id, hour, sent_cents)
    VALUES (NEW.sender_id, floor(extract(epoch FROM NEW.created_at) / 3600)::bigint, NEW.amount_cents)
    ON CONFLICT (user_id, hour) DO UPDATE SET sent_cents = sent_by_hour.sent_cents + EXCLUDED.sent_cents;
    RETURN NULL;
END $$;
CREATE TRIGGER transfers_count_sent AFTER INSERT ON transfers
    FOR EACH ROW EXECUTE FUNCTION count_sent_by_hour();
CREATE TRIGGER transfers_sent_fixed BEFORE UPDATE OF sender_id, amount_cents, created_at OR DELETE ON transfers
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- the windows never reach further back than 7 days and an hour
INSERT INTO sent_by_hour (user_id, hour, sent_cents)
SELECT sender_id, floor(extract(epoch FROM created_at) / 3600)::bigint, sum(amount_cents)
  FROM transfers
 WHERE created_at > now() - interval '8 days'
 GROUP BY 1, 2;
