-- Money of closed accounts that could not be sent on (no verified bank, or one a return disabled) is set aside after
-- wallet.cashouts.unclaimed-after (transfer-api's CashoutService.setAsideUnclaimed): out of the wallet into this
-- account, still owed to the person, to be paid on a claim or remitted to the state as unclaimed property. Each
-- amount is listed in transfer-api's unclaimed_funds (V50); reconciliation checks this account's sum against the list.
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_kind_check;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_kind_check
    CHECK (kind IN ('wallet', 'bank_funding_clearing', 'card_funding_clearing', 'cashout_clearing', 'fee_revenue',
                    'settlement_bank', 'verification_expense', 'card_network_fees', 'unclaimed_funds'));
INSERT INTO ledger_accounts (id, kind) VALUES (8, 'unclaimed_funds');
