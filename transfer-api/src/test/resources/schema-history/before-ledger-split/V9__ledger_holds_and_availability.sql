-- The ledger module's schema (module `ledger`; the ledger tables themselves were created by V1, V3 and V4 and are
-- owned by this module from here on: only com.wallet.ledger.Ledger writes them).
--
-- Holds, as TigerBeetle's pending transfers: a hold reserves part of a wallet's balance without posting anything.
-- It ends exactly once: posted (in full or in part, the rest released, with a normal balanced entry), voided, or
-- expired. A wallet's held_cents is the sum of its pending holds, kept by the triggers below; what a wallet can spend
-- is balance_cents - held_cents, and the database refuses a balance below what is held unless the wallet is
-- restricted (a debt after an ACH return).
--
-- Funds availability: unsettled_funds says how much of each wallet's balance came from a bank debit that has not
-- settled yet (by debit). Such money may be sent on but not cashed out beyond an allowance; unsettled_cents caches the
-- sum per wallet.

ALTER TABLE ledger_accounts
    ADD COLUMN held_cents bigint NOT NULL DEFAULT 0 CHECK (held_cents >= 0),
    ADD COLUMN unsettled_cents bigint NOT NULL DEFAULT 0 CHECK (unsettled_cents >= 0);
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_wallet_not_negative;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_wallet_covers_holds
    CHECK (kind <> 'wallet' OR restricted OR balance_cents - held_cents >= 0);
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_system_holds_nothing
    CHECK (kind = 'wallet' OR (held_cents = 0 AND unsettled_cents = 0));

-- The restriction lifts once incoming money covers the debt and what is held.
CREATE OR REPLACE FUNCTION apply_line_to_wallet() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ledger_accounts
       SET balance_cents = balance_cents + NEW.amount_cents,
           restricted = restricted AND balance_cents + NEW.amount_cents - held_cents < 0
     WHERE id = NEW.account_id AND kind = 'wallet';
    RETURN NEW;
END $$;

CREATE TABLE ledger_holds (
    id            uuid PRIMARY KEY,
    account_id    bigint NOT NULL REFERENCES ledger_accounts (id),
    kind          text NOT NULL,
    amount_cents  bigint NOT NULL CHECK (amount_cents > 0),
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'posted', 'voided', 'expired')),
    posted_cents  bigint,
    entry_id      uuid REFERENCES ledger_entries (id) DEFERRABLE INITIALLY DEFERRED,  -- written right after
    reference_id  uuid,
    expires_at    timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    resolved_at   timestamptz,
    CHECK ((status = 'posted') = (posted_cents IS NOT NULL AND entry_id IS NOT NULL)),
    CHECK (posted_cents IS NULL OR (posted_cents > 0 AND posted_cents <= amount_cents)),
    CHECK ((status = 'pending') = (resolved_at IS NULL)),
    CHECK (expires_at > created_at)
);
CREATE INDEX ledger_holds_pending ON ledger_holds (expires_at) WHERE status = 'pending';
CREATE INDEX ledger_holds_by_reference ON ledger_holds (reference_id) WHERE reference_id IS NOT NULL;
CREATE INDEX ledger_holds_by_account ON ledger_holds (account_id) WHERE status = 'pending';

CREATE FUNCTION hold_lifecycle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'pending' THEN
            RAISE EXCEPTION 'a hold starts pending, not %', NEW.status USING ERRCODE = 'check_violation';
        END IF;
        UPDATE ledger_accounts SET held_cents = held_cents + NEW.amount_cents
         WHERE id = NEW.account_id AND kind = 'wallet';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'holds are on wallets; account % is not one', NEW.account_id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' OR OLD.status <> 'pending' THEN
        RAISE EXCEPTION 'hold % has ended (%): % refused', OLD.id, OLD.status, TG_OP
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.id <> OLD.id OR NEW.account_id <> OLD.account_id OR NEW.amount_cents <> OLD.amount_cents
       OR NEW.kind <> OLD.kind OR NEW.expires_at <> OLD.expires_at OR NEW.created_at <> OLD.created_at
       OR NEW.reference_id IS DISTINCT FROM OLD.reference_id THEN
        RAISE EXCEPTION 'hold %: only its ending may change', OLD.id USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.status = 'posted' AND clock_timestamp() >= OLD.expires_at THEN
        RAISE EXCEPTION 'hold % expired at %; it can no longer be posted', OLD.id, OLD.expires_at
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = 'expired' AND clock_timestamp() < OLD.expires_at THEN
        RAISE EXCEPTION 'hold % expires at %, not yet', OLD.id, OLD.expires_at USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status <> 'pending' THEN
        UPDATE ledger_accounts SET held_cents = held_cents - OLD.amount_cents WHERE id = OLD.account_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER ledger_holds_lifecycle BEFORE INSERT OR UPDATE OR DELETE ON ledger_holds
    FOR EACH ROW EXECUTE FUNCTION hold_lifecycle();
CREATE TRIGGER ledger_holds_no_truncate BEFORE TRUNCATE ON ledger_holds
    FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

-- Bank-debit money not settled yet, per wallet and debit (external_charges.id).
CREATE TABLE unsettled_funds (
    account_id    bigint NOT NULL REFERENCES ledger_accounts (id),
    debit_id      uuid NOT NULL,
    amount_cents  bigint NOT NULL CHECK (amount_cents > 0),
    PRIMARY KEY (account_id, debit_id)
);
CREATE INDEX unsettled_funds_by_debit ON unsettled_funds (debit_id);

CREATE FUNCTION count_unsettled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE ledger_accounts SET unsettled_cents = unsettled_cents - OLD.amount_cents WHERE id = OLD.account_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE ledger_accounts SET unsettled_cents = unsettled_cents + NEW.amount_cents WHERE id = NEW.account_id;
        RETURN NEW;
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER unsettled_funds_count AFTER INSERT OR UPDATE OR DELETE ON unsettled_funds
    FOR EACH ROW EXECUTE FUNCTION count_unsettled();

-- Bank debits that fund transfers today were not settled yet: their money is unsettled where it went.
INSERT INTO unsettled_funds (account_id, debit_id, amount_cents)
SELECT a.id, c.id, c.amount_cents
  FROM external_charges c
  JOIN transfers t ON t.id = c.transfer_id
  JOIN ledger_accounts a ON a.kind = 'wallet' AND a.user_id = t.receiver_id
 WHERE c.kind = 'bank_debit' AND c.status IN ('pending', 'submitted');
