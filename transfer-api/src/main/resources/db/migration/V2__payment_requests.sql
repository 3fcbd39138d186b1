-- Payment requests: someone asks a payer for money; paying produces one transfer linked to the request.
CREATE TABLE payment_requests (
    id            uuid PRIMARY KEY,
    requester_id  uuid NOT NULL REFERENCES users (id),
    payer_id      uuid NOT NULL REFERENCES users (id),
    amount_cents  bigint NOT NULL CHECK (amount_cents > 0),
    note          text NOT NULL CHECK (char_length(note) BETWEEN 1 AND 280),
    visibility    text NOT NULL CHECK (visibility IN ('public', 'friends', 'private')),
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'declined', 'cancelled')),
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (requester_id <> payer_id)
);
CREATE INDEX payment_requests_by_payer ON payment_requests (payer_id, created_at DESC, id DESC);
CREATE INDEX payment_requests_by_requester ON payment_requests (requester_id, created_at DESC, id DESC);

-- A request is paid at most once: at most one transfer names it.
ALTER TABLE transfers ADD COLUMN payment_request_id uuid UNIQUE REFERENCES payment_requests (id);
