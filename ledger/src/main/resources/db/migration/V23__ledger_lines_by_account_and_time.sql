-- A wallet's lines by time, with their amounts in the index: a statement's opening balance (the sum of the lines
-- before its start) and its movements are index-only range scans. Replaces the index on account_id alone, whose
-- lookups (the invariant checks' sums per account) this one serves as well; one index per line, as before.
CREATE INDEX ledger_lines_account_time ON ledger_lines (account_id, created_at) INCLUDE (amount_cents);
DROP INDEX ledger_lines_account;
