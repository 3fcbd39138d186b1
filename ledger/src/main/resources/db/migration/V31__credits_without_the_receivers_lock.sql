-- Credits that need no lock on the receiver's wallet row (issue 16: a popular receiver as fast as anyone).
--
-- Until now every line on a wallet updated the wallet's row (balance_cents, and unsettled_cents for bank money not
-- settled yet), so every payment to one receiver waited for the previous one to commit: a charity drive, a creator or
-- a shop serialized on one row. A credit cannot overdraw, so it does not need that row: when another transaction
-- holds it, the credit is left in wallet_credits instead, and folded into the row by the next transaction that holds
-- it (any debit of the wallet, which locks it anyway, or the next credit that finds it free). Debits still update the
-- row under its lock, with every credit committed before them folded in first, so the database's check on the row
-- (not below what is held unless restricted) keeps holding. A wallet's balance is its row plus its credits not folded
-- yet: the view wallet_balances, which every reader uses (com.wallet.ledger.Ledger, the invariant checks).
--
-- unsettled_cents, the cached sum of a wallet's unsettled_funds rows, goes: keeping it cost three statement triggers
-- and up to three updates of wallet rows per payment of unsettled money (the receiver's among them), more than
-- summing a wallet's rows when it is read (by the wallet's primary-key prefix; a wallet has one row per bank debit
-- whose money it holds unsettled, a handful in practice, 200 in TransferBench's worst case).
--
-- Locks: a wallet is locked FOR NO KEY UPDATE (it was FOR UPDATE), which still excludes every other debit. Folding
-- takes the row lock before it deletes any credit, so folds of one wallet run one at a time and each credit is folded
-- once.
--
-- Foreign keys to ledger_accounts: a foreign-key check locks the referenced row FOR KEY SHARE, and on a row another
-- transaction holds that makes PostgreSQL record both lockers in a multixact, for every credit of a popular receiver.
-- The lines' and the unsettled funds' references to their account are checked instead by the triggers below (the
-- account must exist, and be a wallet for unsettled money), and an account can never be deleted nor change its id,
-- kind or owner: what the lock of a foreign-key check protects against cannot happen.
CREATE TRIGGER ledger_accounts_never_deleted BEFORE DELETE ON ledger_accounts
    FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON ledger_accounts
    FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE FUNCTION forbid_account_identity_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id <> OLD.id OR NEW.kind <> OLD.kind OR NEW.user_id IS DISTINCT FROM OLD.user_id THEN
        RAISE EXCEPTION 'ledger account %: its id, kind and owner never change', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER ledger_accounts_identity_fixed BEFORE UPDATE OF id, kind, user_id ON ledger_accounts
    FOR EACH ROW EXECUTE FUNCTION forbid_account_identity_change();
ALTER TABLE ledger_lines DROP CONSTRAINT ledger_lines_account_id_fkey;
ALTER TABLE unsettled_funds DROP CONSTRAINT unsettled_funds_account_id_fkey;

CREATE TABLE wallet_credits (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id     bigint NOT NULL,  -- a wallet: wallet_credit() is its only writer and checks it
    amount_cents   bigint NOT NULL CHECK (amount_cents > 0)
);
CREATE INDEX wallet_credits_by_account ON wallet_credits (account_id);

-- Applies a change to a wallet's balance, locking its row (waiting for it if another transaction holds it) and
-- folding in the credits left for it first.
CREATE FUNCTION wallet_apply(account bigint, delta bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM ledger_accounts WHERE id = account AND kind = 'wallet' FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'account % is not a wallet', account USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM wallet_apply_locked(account, delta);
END $$;

-- wallet_apply on a row this transaction holds.
CREATE FUNCTION wallet_apply_locked(account bigint, delta bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    folded bigint;
BEGIN
    WITH f AS (DELETE FROM wallet_credits WHERE account_id = account RETURNING amount_cents)
    SELECT coalesce(sum(amount_cents), 0) INTO folded FROM f;
    IF delta = 0 AND folded = 0 THEN
        RETURN;
    END IF;
    -- the restriction (a debt after an ACH return) lifts once the balance covers the debt and what is held
    UPDATE ledger_accounts
       SET balance_cents = balance_cents + delta + folded,
           restricted = restricted AND balance_cents + delta + folded - held_cents < 0
     WHERE id = account;
END $$;

-- Credits a wallet: on its row if no other transaction holds it, else left for the next one that does.
CREATE FUNCTION wallet_credit(account bigint, amount bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM ledger_accounts WHERE id = account AND kind = 'wallet' FOR NO KEY UPDATE SKIP LOCKED;
    IF FOUND THEN
        PERFORM wallet_apply_locked(account, amount);
    ELSIF EXISTS (SELECT 1 FROM ledger_accounts WHERE id = account AND kind = 'wallet') THEN
        INSERT INTO wallet_credits (account_id, amount_cents) VALUES (account, amount);
    ELSE
        RAISE EXCEPTION 'account % is not a wallet', account USING ERRCODE = 'foreign_key_violation';
    END IF;
END $$;

-- Lines: one trigger per statement (an entry's lines are one statement), the net change per wallet; every line's
-- account must exist (the foreign key's check, above).
DROP TRIGGER ledger_lines_apply ON ledger_lines;
DROP FUNCTION apply_line_to_wallet();

CREATE FUNCTION apply_lines_to_wallets() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change record;
BEGIN
    FOR change IN SELECT l.account_id, a.kind, sum(l.amount_cents)::bigint AS delta
                    FROM new_lines l LEFT JOIN ledger_accounts a ON a.id = l.account_id
                   GROUP BY l.account_id, a.kind ORDER BY l.account_id
    LOOP
        IF change.kind IS NULL THEN
            RAISE EXCEPTION 'no ledger account %', change.account_id USING ERRCODE = 'foreign_key_violation';
        ELSIF change.kind <> 'wallet' THEN
            CONTINUE;
        ELSIF change.delta > 0 THEN
            PERFORM wallet_credit(change.account_id, change.delta);
        ELSIF change.delta < 0 THEN
            PERFORM wallet_apply(change.account_id, change.delta);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_lines_apply_to_wallets AFTER INSERT ON ledger_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION apply_lines_to_wallets();

-- Unsettled funds: no cached sum any more (see the top); a row is on a wallet (the foreign key's check, above).
DROP TRIGGER unsettled_funds_count_inserted ON unsettled_funds;
DROP TRIGGER unsettled_funds_count_updated ON unsettled_funds;
DROP TRIGGER unsettled_funds_count_deleted ON unsettled_funds;
DROP FUNCTION count_unsettled_inserted();
DROP FUNCTION count_unsettled_updated();
DROP FUNCTION count_unsettled_deleted();
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_system_holds_nothing;
ALTER TABLE ledger_accounts DROP COLUMN unsettled_cents;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_system_holds_nothing CHECK (kind = 'wallet' OR held_cents = 0);

CREATE FUNCTION unsettled_funds_on_wallets() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    stray bigint;
BEGIN
    SELECT n.account_id INTO stray FROM new_rows n LEFT JOIN ledger_accounts a ON a.id = n.account_id
     WHERE a.kind IS DISTINCT FROM 'wallet' LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unsettled funds on account %, which is not a wallet', stray
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER unsettled_funds_on_wallets_inserted AFTER INSERT ON unsettled_funds
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION unsettled_funds_on_wallets();
CREATE TRIGGER unsettled_funds_on_wallets_updated AFTER UPDATE ON unsettled_funds
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION unsettled_funds_on_wallets();

-- A new hold is checked against the row (not below what is held): the credits left for it are folded in first, by a
-- trigger that fires before ledger_holds_lifecycle (triggers of one event fire in name order).
CREATE FUNCTION fold_credits_before_hold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM wallet_apply(NEW.account_id, 0);
    RETURN NEW;
END $$;
CREATE TRIGGER ledger_holds_fold_credits BEFORE INSERT ON ledger_holds
    FOR EACH ROW EXECUTE FUNCTION fold_credits_before_hold();

-- What a wallet has: its row plus the credits not folded into it yet, and how much of it is unsettled bank money.
CREATE VIEW wallet_balances AS
SELECT a.id,
       a.user_id,
       a.balance_cents + coalesce(c.amount_cents, 0) AS balance_cents,
       a.held_cents,
       coalesce(f.amount_cents, 0) AS unsettled_cents,
       a.restricted AND a.balance_cents + coalesce(c.amount_cents, 0) - a.held_cents < 0 AS restricted
  FROM ledger_accounts a
  LEFT JOIN LATERAL (SELECT sum(w.amount_cents)::bigint AS amount_cents
                       FROM wallet_credits w WHERE w.account_id = a.id) c ON true
  LEFT JOIN LATERAL (SELECT sum(u.amount_cents)::bigint AS amount_cents
                       FROM unsettled_funds u WHERE u.account_id = a.id) f ON true
 WHERE a.kind = 'wallet';
-- (read by the service roles: transfer-api's R__service_privileges grants SELECT on every view)
