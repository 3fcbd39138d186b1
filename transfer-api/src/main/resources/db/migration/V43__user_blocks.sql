-- Blocking (issue-free, README "Blocking"): a user blocks another. Between the two, whoever blocked, no payment,
-- payment request, scheduled payment or friend request can be made, and neither sees the other's payments in a feed;
-- the one blocked finds the blocker as if they did not exist. Blocking ends their friendship and closes what is
-- pending between them (BlockService). Users are never deleted (V38), so the foreign keys cost nothing later.
CREATE TABLE user_blocks (
    blocker_id uuid        NOT NULL REFERENCES users (id),
    blocked_id uuid        NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);

-- who blocked a user (the payment path reads both directions for its sender)
CREATE INDEX user_blocks_blocked ON user_blocks (blocked_id, blocker_id);
