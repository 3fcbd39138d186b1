-- (module `ledger`; right after transfer-api's V3, which creates the cashouts.)
-- Ledger entries of cashouts name them, as transfer entries name their transfer.
ALTER TABLE ledger_entries ADD COLUMN cashout_id uuid REFERENCES cashouts (id);
CREATE INDEX ledger_entries_cashout ON ledger_entries (cashout_id) WHERE cashout_id IS NOT NULL;
CREATE INDEX ledger_entries_transfer ON ledger_entries (transfer_id) WHERE transfer_id IS NOT NULL;
