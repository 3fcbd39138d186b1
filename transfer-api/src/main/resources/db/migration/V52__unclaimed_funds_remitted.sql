-- Unclaimed funds past their dormancy period are remitted to the state as unclaimed property (settlement-batch's
-- unclaimedRemittance job): each amount once, by a ledger entry of its own out of the unclaimed funds account, on the
-- job's business date. The account then holds what is listed and not remitted (reconciliation checks it).
ALTER TABLE unclaimed_funds ADD COLUMN remitted_on date;
ALTER TABLE unclaimed_funds ADD COLUMN remittance_entry_id uuid UNIQUE;
ALTER TABLE unclaimed_funds ADD CONSTRAINT unclaimed_funds_remitted_by_an_entry
    CHECK ((remitted_on IS NULL) = (remittance_entry_id IS NULL));
CREATE INDEX unclaimed_funds_not_remitted ON unclaimed_funds (user_id) WHERE remitted_on IS NULL;
CREATE INDEX unclaimed_funds_by_remittance_date ON unclaimed_funds (remitted_on) WHERE remitted_on IS NOT NULL;
