-- ACH settlement (settlement-batch): a returned bank debit takes the money back from the sender's wallet even if that
-- leaves it negative. Such a debt is recorded as such: the wallet is marked restricted first, and only a restricted
-- wallet may be negative; it can neither send nor cash out until incoming money repays the debt, which lifts the
-- restriction (the balance trigger below).
ALTER TABLE ledger_accounts ADD COLUMN restricted boolean NOT NULL DEFAULT false;

DO $$
DECLARE
    name text;
BEGIN
    SELECT conname INTO STRICT name FROM pg_constraint
     WHERE conrelid = 'ledger_accounts'::regclass AND pg_get_constraintdef(oid) LIKE '%balance_cents >= 0%';
    EXECUTE format('ALTER TABLE ledger_accounts DROP CONSTRAINT %I', name);
END $$;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_wallet_not_negative
    CHECK (kind <> 'wallet' OR balance_cents >= 0 OR restricted);

-- Money at our own bank: what settled ACH debits brought in and settled cashouts took out.
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_kind_check;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_kind_check
    CHECK (kind IN ('wallet', 'bank_funding_clearing', 'card_funding_clearing', 'cashout_clearing', 'fee_revenue',
                    'settlement_bank'));
INSERT INTO ledger_accounts (id, kind) VALUES (5, 'settlement_bank');

CREATE OR REPLACE FUNCTION apply_line_to_wallet() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ledger_accounts
       SET balance_cents = balance_cents + NEW.amount_cents,
           restricted = restricted AND balance_cents + NEW.amount_cents < 0
     WHERE id = NEW.account_id AND kind = 'wallet';
    RETURN NEW;
END $$;

-- The trace number of the ACH entry that carries a bank debit.
ALTER TABLE external_charges ADD COLUMN trace_number text UNIQUE;
ALTER TABLE external_charges ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
