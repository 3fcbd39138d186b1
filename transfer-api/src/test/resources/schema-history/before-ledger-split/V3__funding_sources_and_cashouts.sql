-- Funding sources with their numbers encrypted (AES-256-GCM by the application; only the last 4 digits in clear),
-- card charges journaled before the network is called, and cashouts.

ALTER TABLE payment_methods
    ADD COLUMN routing_number       text CHECK (routing_number ~ '^[0-9]{9}$'),
    ADD COLUMN number_encrypted     bytea,
    ADD COLUMN exp_month            int CHECK (exp_month BETWEEN 1 AND 12),
    ADD COLUMN exp_year             int CHECK (exp_year BETWEEN 2000 AND 2200),
    ADD COLUMN micro_deposits       bigint[],
    ADD COLUMN verify_attempts      int NOT NULL DEFAULT 0 CHECK (verify_attempts >= 0),
    ADD COLUMN verification_locked  boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT payment_methods_complete CHECK (
        number_encrypted IS NOT NULL
        AND ((type = 'bank' AND routing_number IS NOT NULL AND exp_month IS NULL)
          OR (type = 'card' AND routing_number IS NULL AND exp_month IS NOT NULL AND exp_year IS NOT NULL)));
CREATE INDEX payment_methods_by_user ON payment_methods (user_id, created_at) WHERE NOT removed;

-- Bank debits move from pending to submitted (in a NACHA file) to completed or returned.
ALTER TABLE external_charges DROP CONSTRAINT external_charges_status_check;
ALTER TABLE external_charges ADD CONSTRAINT external_charges_status_check
    CHECK (status IN ('pending', 'submitted', 'completed', 'returned'));
CREATE INDEX external_charges_by_method ON external_charges (payment_method_id) WHERE status IN ('pending', 'submitted');

-- A card charge is written here (and committed) before the network is asked for it. 'started' rows whose transfer
-- never committed are voided at the network by the application (see README "Card charges and payouts").
CREATE TABLE card_charges (
    id                 uuid PRIMARY KEY,
    user_id            uuid NOT NULL REFERENCES users (id),
    payment_method_id  uuid NOT NULL REFERENCES payment_methods (id),
    amount_cents       bigint NOT NULL CHECK (amount_cents > 0),
    status             text NOT NULL CHECK (status IN ('started', 'captured', 'declined', 'voided')),
    transfer_id        uuid UNIQUE REFERENCES transfers (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'captured') = (transfer_id IS NOT NULL))
);
CREATE INDEX card_charges_started ON card_charges (created_at) WHERE status = 'started';

CREATE TABLE cashouts (
    id                 uuid PRIMARY KEY,
    user_id            uuid NOT NULL REFERENCES users (id),
    payment_method_id  uuid NOT NULL REFERENCES payment_methods (id),
    speed              text NOT NULL CHECK (speed IN ('instant', 'standard')),
    amount_cents       bigint NOT NULL CHECK (amount_cents > 0),
    fee_cents          bigint NOT NULL CHECK (fee_cents >= 0 AND fee_cents < amount_cents),
    status             text NOT NULL CHECK (status IN ('pending', 'submitted', 'completed', 'failed', 'returned')),
    failure_reason     text,
    trace_number       text UNIQUE,
    created_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (speed = 'instant' OR fee_cents = 0)
);
CREATE INDEX cashouts_by_user ON cashouts (user_id, created_at DESC, id DESC);
CREATE INDEX cashouts_by_method ON cashouts (payment_method_id) WHERE status IN ('pending', 'submitted');
CREATE INDEX cashouts_unsettled ON cashouts (speed, created_at) WHERE status IN ('pending', 'submitted');

-- Ledger entries of cashouts name them, as transfer entries name their transfer.
ALTER TABLE ledger_entries ADD COLUMN cashout_id uuid REFERENCES cashouts (id);
CREATE INDEX ledger_entries_cashout ON ledger_entries (cashout_id) WHERE cashout_id IS NOT NULL;
CREATE INDEX ledger_entries_transfer ON ledger_entries (transfer_id) WHERE transfer_id IS NOT NULL;
