-- Likes and comments on feed items (transfers). The feed items themselves live in Cassandra; who may see a transfer
-- (and so like or comment on it) is decided from transfers and friendships here.
CREATE TABLE feed_likes (
    transfer_id  uuid NOT NULL REFERENCES transfers (id),
    user_id      uuid NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (transfer_id, user_id)
);

CREATE TABLE feed_comments (
    id           uuid PRIMARY KEY,
    transfer_id  uuid NOT NULL REFERENCES transfers (id),
    user_id      uuid NOT NULL REFERENCES users (id),
    text         text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 280),
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX feed_comments_by_transfer ON feed_comments (transfer_id, created_at, id);
