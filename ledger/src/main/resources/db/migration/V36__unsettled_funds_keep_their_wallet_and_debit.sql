-- An unsettled-funds row never changes its wallet or its debit; only its amount changes (issue 16).
--
-- V31 checked after every UPDATE of unsettled_funds, by a statement trigger reading the statement's new rows, that
-- they were all on wallets: the ledger's own updates change amounts only, yet every payment that moves unsettled money
-- paid for that trigger once or twice (the carry's update of the sender's rows, the receiver's upsert). A row's wallet
-- and debit are now fixed instead, refused at once by a row trigger that fires only when an UPDATE names one of
-- those columns (so never on the ledger's path); a new row is still checked to be on a wallet by the INSERT
-- trigger, and a row can only be created by an INSERT.
DROP TRIGGER unsettled_funds_on_wallets_updated ON unsettled_funds;

CREATE FUNCTION forbid_unsettled_identity_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.account_id <> OLD.account_id OR NEW.debit_id <> OLD.debit_id THEN
        RAISE EXCEPTION 'unsettled funds of debit % on account %: their wallet and debit never change',
            OLD.debit_id, OLD.account_id USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER unsettled_funds_identity_fixed BEFORE UPDATE OF account_id, debit_id ON unsettled_funds
    FOR EACH ROW EXECUTE FUNCTION forbid_unsettled_identity_change();
