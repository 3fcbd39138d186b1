-- Rate-limit token buckets shared by every API instance (bucket4j's PostgreSQL select-for-update layout): the
-- bucket's serialized state, and when it will have refilled completely (epoch milliseconds), after which it is
-- deleted by a sweep.
CREATE TABLE rate_limit_buckets (
    id          text PRIMARY KEY,
    state       bytea,
    expires_at  bigint
);
CREATE INDEX rate_limit_buckets_expiry ON rate_limit_buckets (expires_at);
