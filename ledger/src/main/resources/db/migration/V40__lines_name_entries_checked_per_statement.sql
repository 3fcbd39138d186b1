-- A line's entry is checked to exist once per statement of lines, with the balance check, instead of by a foreign key
-- (issue 16), as V31 did for the lines' accounts and transfer-api V38 for payments' users.
--
-- The foreign key ledger_lines.entry_id checked each line on its own: a query per line and a FOR KEY SHARE lock on the
-- entry's row, which writes that row again (its lock, logged) although the same statement had just inserted it. The
-- lines' statement already reads each entry it touches (V39, the balance): that query now also finds the entry, by
-- its primary key. Isolated (pgbench, one client, four entries of two lines per statement, rolled back, A, B
-- alternated four times): 1,450-1,600 statements/s with the foreign key, 1,710-2,010 with the check.
--
-- What the foreign key's lock guarded against, the entry deleted or given another id under its lines, cannot happen:
-- entries are append-only (V1.1's ledger_entries_append_only refuses every UPDATE and DELETE, and
-- ledger_entries_no_truncate every TRUNCATE, to the owner too).
ALTER TABLE ledger_lines DROP CONSTRAINT ledger_lines_entry_id_fkey;

CREATE OR REPLACE FUNCTION check_entries_balanced() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp SET enable_seqscan = off AS $$
DECLARE
    entry uuid;
    known uuid;
    total numeric;
BEGIN
    SELECT n.entry_id, e.id, t.total INTO entry, known, total
      FROM (SELECT DISTINCT entry_id FROM new_lines) n
      LEFT JOIN ledger_entries e ON e.id = n.entry_id
     CROSS JOIN LATERAL (SELECT sum(l.amount_cents) AS total FROM ledger_lines l WHERE l.entry_id = n.entry_id) t
     WHERE e.id IS NULL OR t.total <> 0
     LIMIT 1;
    IF FOUND AND known IS NULL THEN
        RAISE EXCEPTION 'no ledger entry %', entry USING ERRCODE = 'foreign_key_violation';
    ELSIF FOUND THEN
        RAISE EXCEPTION 'ledger entry % does not balance: lines sum to %', entry, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
