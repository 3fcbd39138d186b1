-- Split requests: one request per payer under a group; each is paid, declined or cancelled on its own.
CREATE TABLE payment_request_groups (
    id                 uuid PRIMARY KEY,
    requester_id       uuid NOT NULL REFERENCES users (id),
    total_cents        bigint NOT NULL CHECK (total_cents > 0),
    split              text NOT NULL CHECK (split IN ('equal', 'custom')),
    requester_share    bigint NOT NULL DEFAULT 0 CHECK (requester_share >= 0),
    note               text NOT NULL CHECK (char_length(note) BETWEEN 1 AND 280),
    created_at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX payment_request_groups_by_requester ON payment_request_groups (requester_id, created_at DESC);

ALTER TABLE payment_requests ADD COLUMN group_id uuid REFERENCES payment_request_groups (id);
CREATE INDEX payment_requests_by_group ON payment_requests (group_id) WHERE group_id IS NOT NULL;
