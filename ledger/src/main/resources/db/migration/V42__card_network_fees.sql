-- The card network's fees are booked (settlement-batch's reconciliation books each settled item of the network's
-- daily report once): a cost of taking cards and paying out to them, like the micro-deposits' (V11).
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_kind_check;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_kind_check
    CHECK (kind IN ('wallet', 'bank_funding_clearing', 'card_funding_clearing', 'cashout_clearing', 'fee_revenue',
                    'settlement_bank', 'verification_expense', 'card_network_fees'));
INSERT INTO ledger_accounts (id, kind) VALUES (7, 'card_network_fees');
