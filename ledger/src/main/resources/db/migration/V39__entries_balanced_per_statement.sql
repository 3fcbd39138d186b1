-- Every entry balances, checked once per statement of lines instead of once per entry at commit (issue 16).
--
-- V1.1's constraint trigger ran at commit for each entry inserted: one trigger call and one query per entry (a
-- payment's, and four of them for a group of four payments). And it ran only when an entry was inserted: a line added
-- later, in another transaction, to an entry already committed was never checked, and it unbalanced the ledger
-- (the reconciliation job would have found it, afterwards).
--
-- Now every statement that inserts lines checks, for each entry its lines belong to, that all the entry's lines sum
-- to zero: one query per statement, whatever the number of entries, and a line added to any entry at any time is
-- checked. Ledger.post writes an entry and all its lines in one statement, so its entries are whole when checked; an
-- entry whose lines came in two statements would be refused at the first (stricter than before). An entry with no
-- lines at all passes, as before (Ledger refuses one with fewer than two lines before the database sees it).
DROP TRIGGER ledger_entries_balanced ON ledger_entries;
DROP FUNCTION check_entry_balanced();

-- Each entry's lines are read by the entry index, one probe per entry, whatever the table's size when the plan was
-- made: PostgreSQL keeps a trigger's plan until the table's statistics change, and a plan made while ledger_lines was
-- small read all of it (a hash join against the whole table: 2-11 ms a statement in TransferBench, up to 109 ms, until
-- the next analyze). Hence the probe per entry (LATERAL) and no sequential scan for this function's statements.
CREATE FUNCTION check_entries_balanced() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp SET enable_seqscan = off AS $$
DECLARE
    entry uuid;
    total numeric;
BEGIN
    SELECT n.entry_id, t.total INTO entry, total
      FROM (SELECT DISTINCT entry_id FROM new_lines) n
     CROSS JOIN LATERAL (SELECT sum(l.amount_cents) AS total FROM ledger_lines l WHERE l.entry_id = n.entry_id) t
     WHERE t.total <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger entry % does not balance: lines sum to %', entry, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_lines_balanced AFTER INSERT ON ledger_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION check_entries_balanced();
