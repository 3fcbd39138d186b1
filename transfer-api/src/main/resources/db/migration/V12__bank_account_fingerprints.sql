-- A bank account is recognised across links and users by a keyed fingerprint (HMAC-SHA256 of "routing:account"
-- under a subkey of the data key; the number itself stays encrypted). Wrong micro-deposit answers are recorded per
-- fingerprint and per user, so linking the same account again does not give fresh guesses.
ALTER TABLE payment_methods ADD COLUMN fingerprint bytea;
CREATE INDEX payment_methods_by_fingerprint ON payment_methods (fingerprint) WHERE fingerprint IS NOT NULL;

CREATE TABLE bank_verification_failures (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fingerprint        bytea NOT NULL,
    user_id            uuid NOT NULL REFERENCES users (id),
    payment_method_id  uuid NOT NULL REFERENCES payment_methods (id),
    failed_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bank_verification_failures_by_fingerprint ON bank_verification_failures (fingerprint);
CREATE INDEX bank_verification_failures_by_user ON bank_verification_failures (user_id, failed_at);
CREATE INDEX payment_methods_bank_links ON payment_methods (user_id, created_at) WHERE type = 'bank';
