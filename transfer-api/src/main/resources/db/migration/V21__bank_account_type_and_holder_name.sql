-- What a bank's notification of change may correct besides the numbers (settlement-batch applies them): the account
-- type (C05-C07: a savings account takes transaction codes 32/37 instead of checking's 22/27) and the holder's name
-- as the bank knows it (C04; null: the username is sent).
ALTER TABLE payment_methods
    ADD COLUMN account_type text CHECK (account_type IN ('checking', 'savings')),
    ADD COLUMN holder_name  text CHECK (length(holder_name) BETWEEN 1 AND 22);
UPDATE payment_methods SET account_type = 'checking' WHERE type = 'bank';
ALTER TABLE payment_methods ADD CONSTRAINT payment_methods_bank_account_type
    CHECK ((type = 'bank') = (account_type IS NOT NULL));
