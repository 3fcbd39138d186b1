-- An entry may belong to a top-up (money added from the user's bank; its id is the bank debit's, external_charges.id).
ALTER TABLE ledger_entries ADD COLUMN top_up_id uuid;
CREATE INDEX ledger_entries_top_up ON ledger_entries (top_up_id) WHERE top_up_id IS NOT NULL;
