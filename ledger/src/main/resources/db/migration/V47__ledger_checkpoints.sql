-- Reconciliation checks the lines added since its last checkpoint, not the whole history (LedgerInvariants): a
-- checkpoint is the sum of every account's lines up to a line id that no later line is below. Written by the ledger
-- module only (LedgerInvariants.advanceCheckpoint), in settlement-batch's reconciliation.

-- One row per checkpoint taken: the last line id it covers, with what it added (for operations).
CREATE TABLE ledger_checkpoints (
    through_line_id  bigint PRIMARY KEY CHECK (through_line_id >= 0),
    taken_at         timestamptz NOT NULL DEFAULT now(),
    lines            bigint NOT NULL CHECK (lines >= 0),
    accounts         integer NOT NULL CHECK (accounts >= 0)
);

-- Each account's lines summed up to the latest checkpoint's through_line_id (accounts without lines have no row).
CREATE TABLE ledger_checkpoint_sums (
    account_id  bigint PRIMARY KEY,
    sum_cents   bigint NOT NULL
);

-- The line id a checkpoint may cover: every line up to it is committed and every line inserted later gets a higher
-- id. The SHARE lock waits for the transactions writing lines to end (they hold ROW EXCLUSIVE from their insert to
-- their commit) and makes new ones wait a moment, and the lines' identity draws its values one at a time (CACHE 1,
-- the default, stated here as this depends on it: a session caching a range could insert a lower id after a higher
-- one committed). The lock is held until the caller's transaction ends: the caller commits at once. Owner's rights,
-- as the services' roles may not lock the table in that mode (insert-only on the lines).
ALTER TABLE ledger_lines ALTER COLUMN id SET CACHE 1;

CREATE FUNCTION ledger_lines_boundary(wait_ms integer) RETURNS bigint LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    boundary bigint;
BEGIN
    PERFORM set_config('lock_timeout', wait_ms || 'ms', true);
    LOCK TABLE ledger_lines IN SHARE MODE;
    SELECT coalesce(max(id), 0) INTO boundary FROM ledger_lines;
    RETURN boundary;
END $$;
-- settlement-batch's role runs it (transfer-api's R__grant_service_privileges); nobody else
REVOKE EXECUTE ON FUNCTION ledger_lines_boundary(integer) FROM PUBLIC;
