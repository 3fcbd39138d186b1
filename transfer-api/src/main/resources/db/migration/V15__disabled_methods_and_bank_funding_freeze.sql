-- ACH returns by kind (settlement-batch): an account problem (R02, R03, R04, ...) disables the payment method; an
-- unauthorized debit (R05, R07, R10, R11, R29, R51) disables it and freezes bank funding for its owner until reviewed.
ALTER TABLE payment_methods ADD COLUMN disabled_reason text;
ALTER TABLE users ADD COLUMN bank_funding_frozen boolean NOT NULL DEFAULT false;
