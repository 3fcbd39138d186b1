-- Resetting a forgotten password (POST /v1/auth/password-reset, .../confirm; PasswordReset): a one-time code of 256
-- random bits is sent to the account's email address (the delivery stub, contact_messages) and kept here only as its
-- SHA-256 (a code that long cannot be guessed, so a fast hash is enough, and the code is found by its hash). A code
-- works once, for wallet.password-reset.code-lifetime; a newer one, a reset, and the account's closure end it.
CREATE TABLE password_resets (
    id         uuid PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id),
    code_hash  text        NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX password_resets_by_user ON password_resets (user_id, created_at DESC);
