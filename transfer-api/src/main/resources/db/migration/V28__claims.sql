-- Paying someone who is not a user yet: the payment waits as a claim, its money held in the payer's wallet (a ledger
-- hold of kind 'claim', expiring with the claim), until someone proves the email address or phone number it was sent
-- to (user_contacts) and the hold posts to them as a transfer (transfers.claim_id); unclaimed, it expires back.
CREATE TABLE claims (
    id             uuid PRIMARY KEY,
    payer_id       uuid NOT NULL REFERENCES users (id),
    contact_kind   text NOT NULL CHECK (contact_kind IN ('email', 'phone')),
    contact        text NOT NULL,  -- normalized: lower-case email, E.164 phone
    amount_cents   bigint NOT NULL CHECK (amount_cents > 0),
    note           text NOT NULL CHECK (char_length(note) BETWEEN 1 AND 280),
    visibility     text NOT NULL CHECK (visibility IN ('public', 'friends', 'private')),
    hold_id        uuid NOT NULL REFERENCES ledger_holds (id),
    status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'claimed', 'expired', 'cancelled')),
    expires_at     timestamptz NOT NULL,
    claimed_by     uuid REFERENCES users (id),
    transfer_id    uuid REFERENCES transfers (id),
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK ((status = 'claimed') = (claimed_by IS NOT NULL AND transfer_id IS NOT NULL))
);
CREATE INDEX claims_pending_by_contact ON claims (contact_kind, contact) WHERE status = 'pending';
CREATE INDEX claims_pending_by_expiry ON claims (expires_at) WHERE status = 'pending';
CREATE INDEX claims_by_payer ON claims (payer_id, created_at DESC, id DESC);

ALTER TABLE transfers ADD COLUMN claim_id uuid REFERENCES claims (id);
CREATE UNIQUE INDEX transfers_claim ON transfers (claim_id) WHERE claim_id IS NOT NULL;

-- An email address or phone number a user proved with a one-time code; one user per proven contact.
CREATE TABLE user_contacts (
    user_id       uuid NOT NULL REFERENCES users (id),
    contact_kind  text NOT NULL CHECK (contact_kind IN ('email', 'phone')),
    contact       text NOT NULL,
    verified_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (contact_kind, contact)
);
CREATE INDEX user_contacts_by_user ON user_contacts (user_id);

-- One-time codes being proven: the code only as a hash, a few attempts, a short life.
CREATE TABLE contact_codes (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id),
    contact_kind  text NOT NULL,
    contact       text NOT NULL,
    code_hash     text NOT NULL,
    attempts      int NOT NULL DEFAULT 0,
    expires_at    timestamptz NOT NULL,
    used          boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX contact_codes_by_user ON contact_codes (user_id, contact_kind, contact, created_at DESC);

-- The stub of email and SMS delivery: what would be sent, kept for a delivery worker (and read by tests).
CREATE TABLE contact_messages (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_kind  text NOT NULL,
    contact       text NOT NULL,
    kind          text NOT NULL,
    body          text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX contact_messages_by_contact ON contact_messages (contact_kind, contact, id);

-- A claimed payment's transfer was counted against the payer's limits when it was sent (as a claim): not again.
CREATE OR REPLACE FUNCTION count_sent_by_hour() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.refund_of IS NOT NULL OR NEW.claim_id IS NOT NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO sent_by_hour (user_id, hour, sent_cents)
    VALUES (NEW.sender_id, floor(extract(epoch FROM NEW.created_at) / 3600)::bigint, NEW.amount_cents)
    ON CONFLICT (user_id, hour) DO UPDATE SET sent_cents = sent_by_hour.sent_cents + EXCLUDED.sent_cents;
    RETURN NULL;
END $$;
-- claims count in the sending windows when made: in the hourly totals, like transfers
CREATE FUNCTION count_claim_by_hour() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sent_by_hour (user_id, hour, sent_cents)
    VALUES (NEW.payer_id, floor(extract(epoch FROM NEW.created_at) / 3600)::bigint, NEW.amount_cents)
    ON CONFLICT (user_id, hour) DO UPDATE SET sent_cents = sent_by_hour.sent_cents + EXCLUDED.sent_cents;
    RETURN NULL;
END $$;
CREATE TRIGGER claims_count_sent AFTER INSERT ON claims FOR EACH ROW EXECUTE FUNCTION count_claim_by_hour();
