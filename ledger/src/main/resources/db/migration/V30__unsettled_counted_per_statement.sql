-- A wallet's unsettled_cents (the sum of its unsettled_funds rows) kept by statement-level triggers: one update per
-- wallet and statement, with the statement's net change, instead of one (two for an update) per row. Moving a
-- payment's unsettled money touches several rows of the sender and the receiver (one per bank debit), and the row
-- triggers made 12 updates of the two wallet rows per transfer (TransferBench, issue 16); each update of a row is a
-- new version of it.
DROP TRIGGER unsettled_funds_count ON unsettled_funds;
DROP FUNCTION count_unsettled();

CREATE FUNCTION count_unsettled_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ledger_accounts a SET unsettled_cents = a.unsettled_cents + d.delta
      FROM (SELECT account_id, sum(amount_cents) AS delta FROM new_rows GROUP BY account_id) d
     WHERE a.id = d.account_id;
    RETURN NULL;
END $$;

CREATE FUNCTION count_unsettled_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ledger_accounts a SET unsettled_cents = a.unsettled_cents + d.delta
      FROM (SELECT account_id, sum(amount_cents) AS delta
              FROM (SELECT account_id, amount_cents FROM new_rows
                    UNION ALL SELECT account_id, -amount_cents FROM old_rows) r
             GROUP BY account_id HAVING sum(amount_cents) <> 0) d
     WHERE a.id = d.account_id;
    RETURN NULL;
END $$;

CREATE FUNCTION count_unsettled_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ledger_accounts a SET unsettled_cents = a.unsettled_cents - d.delta
      FROM (SELECT account_id, sum(amount_cents) AS delta FROM old_rows GROUP BY account_id) d
     WHERE a.id = d.account_id;
    RETURN NULL;
END $$;

CREATE TRIGGER unsettled_funds_count_inserted AFTER INSERT ON unsettled_funds
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_unsettled_inserted();
CREATE TRIGGER unsettled_funds_count_updated AFTER UPDATE ON unsettled_funds
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_unsettled_updated();
CREATE TRIGGER unsettled_funds_count_deleted AFTER DELETE ON unsettled_funds
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_unsettled_deleted();
