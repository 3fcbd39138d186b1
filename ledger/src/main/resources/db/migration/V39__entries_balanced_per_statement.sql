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

CREATE FUNCTION check_entries_balanced() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    entry uuid;
    total bigint;
BEGIN
    SELECT l.entry_id, sum(l.amount_cents) INTO entry, total
      FROM ledger_lines l
     WHERE l.entry_id IN (SELECT n.entry_id FROM new_lines n)
     GROUP BY l.entry_id
    HAVING sum(l.amount_cents) <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger entry % does not balance: lines sum to %', entry, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_lines_balanced AFTER INSERT ON ledger_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION check_entries_balanced();
