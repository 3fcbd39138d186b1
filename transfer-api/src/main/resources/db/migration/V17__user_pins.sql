-- The original design's step-up secret (its users.pin_hash), in a table of its own so that the change stream of
-- users (captured by the CDC connector) never carries it and setting a PIN is not a profile change.
CREATE TABLE user_pins (
    user_id    uuid PRIMARY KEY REFERENCES users (id),
    pin_hash   text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
