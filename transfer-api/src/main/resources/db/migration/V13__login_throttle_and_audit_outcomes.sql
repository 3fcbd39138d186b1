-- Throttling of logins, shared by every API instance: failures per account (by the username asked for, whether or
-- not it exists, so answers do not tell) and per client address, with growing delays and then a temporary lock.
CREATE TABLE login_throttle (
    key           text PRIMARY KEY,  -- 'account:<lower-case username>' or 'address:<client address>'
    failures      int NOT NULL CHECK (failures > 0),
    last_failure  timestamptz NOT NULL,
    locked_until  timestamptz
);

-- The audit trail of the original design: who acted (a user, the system, or an anonymous client), from where, and
-- how it ended; refusals and failed logins are recorded too (written outside the refused transaction).
ALTER TABLE audit_log
    ADD COLUMN actor_type text NOT NULL DEFAULT 'user' CHECK (actor_type IN ('user', 'system', 'anonymous')),
    ADD COLUMN client_address text,
    ADD COLUMN outcome text NOT NULL DEFAULT 'succeeded' CHECK (outcome IN ('succeeded', 'refused', 'failed')),
    ADD COLUMN reason text;
