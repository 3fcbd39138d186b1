-- Reconciliation since a checkpoint checks the holds posted since it (LedgerInvariants' hold_post_mismatch), found
-- by the entries of the lines since: a day's holds, not every hold ever posted. A posted hold never changes again
-- (hold_lifecycle refuses it, to the owner too), and its entry's lines are written in the transaction that posts it,
-- so each posted hold is checked by the run whose lines hold its entry; the whole-history run checks every one.
CREATE INDEX ledger_holds_posted_by_entry ON ledger_holds (entry_id) WHERE status = 'posted';
