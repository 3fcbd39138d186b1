-- Closing an account (README "Closing an account", AccountClosure): a user whose wallet holds nothing and owes nothing,
-- with nothing in flight, closes for good. The row stays (users are never deleted, V38: payments, ledger lines and
-- the audit log name it for as long as they are kept), with status 'closed' and when; what identifies the person is
-- erased from it (email, phone, password, avatar; the display name becomes "Closed account"). The username stays,
-- reserved: the payment history of the people they paid keeps meaning one person, and nobody can take the name.
ALTER TABLE users DROP CONSTRAINT users_status_check;
ALTER TABLE users ADD CONSTRAINT users_status_check CHECK (status IN ('active', 'frozen', 'closed'));
ALTER TABLE users ADD COLUMN closed_at timestamptz;
ALTER TABLE users ADD CONSTRAINT users_closed_when CHECK ((status = 'closed') = (closed_at IS NOT NULL));
ALTER TABLE users ALTER COLUMN email DROP NOT NULL, ALTER COLUMN password_hash DROP NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_open_has_credentials
    CHECK (status = 'closed' OR (email IS NOT NULL AND password_hash IS NOT NULL));
ALTER TABLE users ADD CONSTRAINT users_closed_erased
    CHECK (status <> 'closed' OR (email IS NULL AND password_hash IS NULL AND phone IS NULL AND avatar_url IS NULL));

-- closed is final: nothing reopens an account (a person who comes back signs up again)
CREATE FUNCTION forbid_reopening() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'closed' AND (NEW.status <> 'closed' OR NEW.closed_at IS DISTINCT FROM OLD.closed_at) THEN
        RAISE EXCEPTION 'users: a closed account stays closed' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER users_closed_for_good BEFORE UPDATE OF status, closed_at ON users
    FOR EACH ROW EXECUTE FUNCTION forbid_reopening();

-- settlement's reconciliation looks at closed accounts daily (money that reached one after it closed)
CREATE INDEX users_closed ON users (closed_at) WHERE status = 'closed';
