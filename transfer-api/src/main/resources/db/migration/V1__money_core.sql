-- Money core: users, friends, transfers, idempotency keys, audit log (the double-entry ledger is the ledger module's
-- V1.1). Amounts are bigint cents. Audit rows can never be updated or deleted (triggers below).

CREATE TABLE users (
    id                  uuid PRIMARY KEY,
    username            text NOT NULL,
    email               text NOT NULL,
    password_hash       text NOT NULL,
    phone               text,
    display_name        text NOT NULL,
    status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'frozen')),
    default_visibility  text CHECK (default_visibility IN ('public', 'friends', 'private')),
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Friends: a request per direction until both asked; then one friendship row per pair (user_a < user_b).
CREATE TABLE friend_requests (
    requester_id  uuid NOT NULL REFERENCES users (id),
    addressee_id  uuid NOT NULL REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (requester_id, addressee_id),
    CHECK (requester_id <> addressee_id)
);
CREATE INDEX friend_requests_addressee ON friend_requests (addressee_id);

CREATE TABLE friendships (
    user_a      uuid NOT NULL REFERENCES users (id),
    user_b      uuid NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_a, user_b),
    CHECK (user_a < user_b)
);
CREATE INDEX friendships_user_b ON friendships (user_b);

-- Funding sources the waterfall reads. Linking and verification (and the encrypted numbers) come with the
-- funding-sources migration; here: what the waterfall needs to know.
CREATE TABLE payment_methods (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id),
    type        text NOT NULL CHECK (type IN ('bank', 'card')),
    last4       text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
    verified    boolean NOT NULL DEFAULT false,
    is_default  boolean NOT NULL DEFAULT false,
    removed     boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX payment_methods_one_default ON payment_methods (user_id, type) WHERE is_default AND NOT removed;

-- Append-only tables (the ledger's, the audit log) refuse changes with this.
CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END $$;

-- The ledger's tables (accounts, entries, lines) are the ledger module's: its V1.1 creates them, right after this.

CREATE TABLE transfers (
    id             uuid PRIMARY KEY,
    sender_id      uuid NOT NULL REFERENCES users (id),
    receiver_id    uuid NOT NULL REFERENCES users (id),
    amount_cents   bigint NOT NULL CHECK (amount_cents > 0),
    balance_cents  bigint NOT NULL CHECK (balance_cents >= 0),
    bank_cents     bigint NOT NULL CHECK (bank_cents >= 0),
    card_cents     bigint NOT NULL CHECK (card_cents >= 0),
    fee_cents      bigint NOT NULL CHECK (fee_cents >= 0),
    note           text NOT NULL CHECK (char_length(note) BETWEEN 1 AND 280),
    visibility     text NOT NULL CHECK (visibility IN ('public', 'friends', 'private')),
    status         text NOT NULL CHECK (status IN ('completed')),
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (sender_id <> receiver_id),
    CHECK (balance_cents + bank_cents + card_cents = amount_cents),
    CHECK (card_cents > 0 OR fee_cents = 0)
);
CREATE INDEX transfers_by_sender ON transfers (sender_id, created_at DESC, id DESC);
CREATE INDEX transfers_by_receiver ON transfers (receiver_id, created_at DESC, id DESC);

-- Money still to be collected from a bank (ACH debit) or card network; settled by later jobs.
CREATE TABLE external_charges (
    id                 uuid PRIMARY KEY,
    transfer_id        uuid NOT NULL REFERENCES transfers (id),
    user_id            uuid NOT NULL REFERENCES users (id),
    payment_method_id  uuid NOT NULL REFERENCES payment_methods (id),
    kind               text NOT NULL CHECK (kind IN ('bank_debit', 'card_charge')),
    amount_cents       bigint NOT NULL CHECK (amount_cents > 0),
    status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending')),
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX external_charges_pending ON external_charges (kind, created_at) WHERE status = 'pending';

-- Idempotency: recorded in the same transaction as the money movement it guards.
CREATE TABLE idempotency_keys (
    user_id          uuid NOT NULL REFERENCES users (id),
    key              text NOT NULL,
    request_hash     text NOT NULL,
    response_status  int,
    response_type    text,
    response_body    text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    actor_id     uuid,
    action       text NOT NULL,
    entity_type  text NOT NULL,
    entity_id    text NOT NULL,
    request_id   text,
    details      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
