-- Micro-deposits that verify bank accounts are money leaving our bank: they are booked, as a cost of verification.
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_kind_check;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_kind_check
    CHECK (kind IN ('wallet', 'bank_funding_clearing', 'card_funding_clearing', 'cashout_clearing', 'fee_revenue',
                    'settlement_bank', 'verification_expense'));
INSERT INTO ledger_accounts (id, kind) VALUES (6, 'verification_expense');
