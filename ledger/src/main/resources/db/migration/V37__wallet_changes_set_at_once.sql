-- The lines of a statement change their wallets in a few statements, however many wallets they touch (issue 16).
--
-- V31's apply_lines_to_wallets() looped over the wallets a statement's lines changed and called wallet_apply() for a
-- debit and wallet_credit() for a credit, each running two or three statements of its own: eleven statements for a
-- payment's two wallets (pg_stat_statements, TransferBench), and a statement holding the entries of many transfers
-- (group commit's shape, GroupedTransferSql) paid them once per wallet. Now the same work is done for all of a
-- statement's wallets at once, in the same order and with the same locks:
--   1. the net change per account, every account checked to exist (the foreign key's check, as before);
--   2. the debited wallets locked, waiting, in id order (a payment's own lock makes this free);
--   3. the credited wallets no other transaction holds locked too (SKIP LOCKED: never waiting, as before);
--   4. every wallet locked by now gets its change, with the credits left beside it folded in (one UPDATE);
--   5. a credit to a wallet another transaction holds goes beside it, into wallet_credits, as before.
-- Locks that wait are still taken in id order and before any credit is written, so no new deadlock can form; the
-- database's checks on the row (not below what is held unless restricted) apply to each wallet as before.
-- wallet_apply(), wallet_apply_locked() and wallet_credit() stay for the hold triggers (fold_credits_before_hold).
-- Its statements take arrays of wallets (= ANY(...)): PostgreSQL would plan those again at every call (a generic plan
-- is costed for ten elements and never beats the custom plans for the one or two a payment has), so the function
-- keeps one plan per statement (plan_cache_mode, set for its own statements only).
CREATE OR REPLACE FUNCTION apply_lines_to_wallets() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    missing bigint;
    wallets bigint[];
    deltas bigint[];
    debited bigint[];
    credited bigint[];
    held bigint[];
BEGIN
    SELECT min(c.account_id) FILTER (WHERE a.id IS NULL),
           array_agg(c.account_id ORDER BY c.account_id) FILTER (WHERE a.kind = 'wallet' AND c.delta <> 0),
           array_agg(c.delta ORDER BY c.account_id) FILTER (WHERE a.kind = 'wallet' AND c.delta <> 0),
           array_agg(c.account_id ORDER BY c.account_id) FILTER (WHERE a.kind = 'wallet' AND c.delta < 0),
           array_agg(c.account_id ORDER BY c.account_id) FILTER (WHERE a.kind = 'wallet' AND c.delta > 0)
      INTO missing, wallets, deltas, debited, credited
      FROM (SELECT account_id, sum(amount_cents)::bigint AS delta FROM new_lines GROUP BY account_id) c
      LEFT JOIN ledger_accounts a ON a.id = c.account_id;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'no ledger account %', missing USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF wallets IS NULL THEN
        RETURN NULL;
    END IF;
    held := coalesce(debited, '{}');
    IF debited IS NOT NULL THEN
        PERFORM 1 FROM ledger_accounts WHERE id = ANY(debited) ORDER BY id FOR NO KEY UPDATE;
    END IF;
    IF credited IS NOT NULL THEN
        held := held || ARRAY(SELECT id FROM ledger_accounts WHERE id = ANY(credited)
                               ORDER BY id FOR NO KEY UPDATE SKIP LOCKED);
    END IF;
    IF cardinality(held) > 0 THEN
        -- the restriction (a debt after an ACH return) lifts once the balance covers the debt and what is held
        WITH change AS (SELECT c.id, c.delta FROM unnest(wallets, deltas) AS c(id, delta) WHERE c.id = ANY(held)),
             f AS (DELETE FROM wallet_credits w USING change WHERE w.account_id = change.id
                   RETURNING w.account_id, w.amount_cents),
             folded AS (SELECT account_id, sum(amount_cents)::bigint AS amount FROM f GROUP BY account_id)
        UPDATE ledger_accounts a
           SET balance_cents = a.balance_cents + change.delta + coalesce(folded.amount, 0),
               restricted = a.restricted
                   AND a.balance_cents + change.delta + coalesce(folded.amount, 0) - a.held_cents < 0
          FROM change LEFT JOIN folded ON folded.account_id = change.id
         WHERE a.id = change.id;
    END IF;
    IF cardinality(held) < cardinality(wallets) THEN
        INSERT INTO wallet_credits (account_id, amount_cents)
        SELECT c.id, c.delta FROM unnest(wallets, deltas) AS c(id, delta) WHERE c.id <> ALL(held);
    END IF;
    RETURN NULL;
END $$;
