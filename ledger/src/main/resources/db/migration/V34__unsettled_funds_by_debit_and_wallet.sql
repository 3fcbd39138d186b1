-- The by-debit index of unsettled_funds also holds the wallet, so a lookup of one wallet's row of one debit is one
-- probe through either index (issue 16).
--
-- Moving a payment's unsettled money updates or deletes the sender's row of a debit (account_id = ? AND debit_id = ?).
-- The planner often takes the smaller by-debit index for that (it estimates about one row per debit) and then filters
-- every wallet's row of the debit: as money moves on, the oldest debits spread over many wallets, and every payment
-- moves the oldest first, so those were exactly the debits looked up (TransferBench: up to 200 rows filtered per
-- lookup, the carry the transfer's costliest statement). Settlement's lookups by debit alone use the leading column as
-- before.
DROP INDEX unsettled_funds_by_debit;
CREATE INDEX unsettled_funds_by_debit ON unsettled_funds (debit_id, account_id);
