-- pgbench script of TransferBench: the statements the API sends for one transfer paid from the balance by a sender
-- whose money came from bank debits that have not settled (so it carries unsettled funds to the receiver, as most
-- transfers of the API phases do), in the same order, with the same locks, replayed by pgbench against the same
-- database: what PostgreSQL alone does for a transfer, without HTTP or a JVM. The API sends some of these together in
-- one round trip (SqlBatch: marked "same round trip" below); pgbench's prepared mode cannot send several statements at
-- once, so here each is a round trip of its own, which costs PostgreSQL a little more than the API's path does.
-- The accounts, balances, unsettled funds and rate-limit buckets come from the bench_users table the benchmark fills.
-- No preflight: a payment goes straight to its transaction and comes back for one only if it needs the card.
\set a random(1, 200)
\set b random(1, 199)
\set rn (:a + :b - 1) % 200 + 1
\set amount random(1, 99)
SELECT id AS s, account AS sa, bucket AS sk FROM bench_users WHERE n = :a \gset
SELECT id AS r, account AS ra FROM bench_users WHERE n = :rn \gset
SELECT gen_random_uuid() AS t, gen_random_uuid()::text AS k \gset
-- the rate limiter (bucket4j): the caller's bucket, in a transaction of its own, once in six calls (the instance's
-- copy of the bucket answers the other five: wallet.rate-limit.local-allowance.calls is 5)
\set rl random(1, 6)
\if :rl = 1
BEGIN;
SELECT state FROM rate_limit_buckets WHERE id = :sk::text FOR UPDATE;
UPDATE rate_limit_buckets SET state = state, expires_at = expires_at WHERE id = :sk::text;
COMMIT;
\endif
BEGIN;
INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES (:s::uuid, :k::text, 'hash') ON CONFLICT DO NOTHING RETURNING true;
-- same round trip
SAVEPOINT idempotent_action;
-- same round trip
SELECT id FROM ledger_accounts WHERE kind = 'wallet' AND user_id = :s::uuid FOR NO KEY UPDATE;
-- same round trip
SELECT a.id, a.user_id, a.balance_cents, a.held_cents, a.unsettled_cents, a.restricted, u.status, u.default_visibility FROM wallet_balances a JOIN users u ON u.id = a.user_id WHERE a.user_id = :s::uuid;
-- same round trip
SELECT a.id, a.user_id, u.status FROM ledger_accounts a JOIN users u ON u.id = a.user_id WHERE a.kind = 'wallet' AND a.user_id = :r::uuid;
-- same round trip
WITH p AS (SELECT CAST(:s AS uuid) AS u), w AS (SELECT now() - interval '24 hours' AS day_start, now() - interval '7 days' AS week_start), h AS (SELECT day_start, week_start, floor(extract(epoch FROM day_start) / 3600)::bigint AS day_hour, floor(extract(epoch FROM week_start) / 3600)::bigint AS week_hour FROM w) SELECT ((SELECT coalesce(sum(sent_cents), 0) FROM sent_by_hour WHERE user_id = p.u AND hour > h.day_hour) + (SELECT coalesce(sum(amount_cents), 0) FROM transfers WHERE sender_id = p.u AND refund_of IS NULL AND claim_id IS NULL AND created_at > h.day_start AND created_at < to_timestamp((h.day_hour + 1) * 3600)) + (SELECT coalesce(sum(amount_cents), 0) FROM claims WHERE payer_id = p.u AND created_at > h.day_start AND created_at < to_timestamp((h.day_hour + 1) * 3600))) AS last_day, ((SELECT coalesce(sum(sent_cents), 0) FROM sent_by_hour WHERE user_id = p.u AND hour > h.week_hour) + (SELECT coalesce(sum(amount_cents), 0) FROM transfers WHERE sender_id = p.u AND refund_of IS NULL AND claim_id IS NULL AND created_at > h.week_start AND created_at < to_timestamp((h.week_hour + 1) * 3600)) + (SELECT coalesce(sum(amount_cents), 0) FROM claims WHERE payer_id = p.u AND created_at > h.week_start AND created_at < to_timestamp((h.week_hour + 1) * 3600))) AS last_week, (SELECT id FROM payment_methods WHERE user_id = p.u AND type = 'bank' AND is_default AND NOT removed AND verified AND disabled_reason IS NULL AND NOT (SELECT bank_funding_frozen FROM users WHERE id = p.u)) AS bank, (SELECT id FROM payment_methods WHERE user_id = p.u AND type = 'card' AND is_default AND NOT removed AND disabled_reason IS NULL AND NOT (SELECT card_funding_frozen FROM users WHERE id = p.u)) AS card, ARRAY(SELECT blocked_id FROM user_blocks WHERE blocker_id = p.u) AS blocking, ARRAY(SELECT blocker_id FROM user_blocks WHERE blocked_id = p.u) AS blocked_by FROM h, p;
WITH t AS (INSERT INTO transfers (id, sender_id, receiver_id, amount_cents, balance_cents, bank_cents, card_cents, fee_cents, note, visibility, status, payment_request_id, refund_of) VALUES (:t::uuid, :s::uuid, :r::uuid, :amount::bigint, :amount::bigint, 0, 0, 0, 'bench', 'friends', 'completed', NULL, NULL) RETURNING id, sender_id, created_at), debit AS (INSERT INTO external_charges (id, transfer_id, user_id, payment_method_id, kind, amount_cents) SELECT NULL::uuid, t.id, t.sender_id, NULL::uuid, 'bank_debit', NULL::bigint FROM t WHERE NULL::uuid IS NOT NULL) SELECT created_at FROM t;
-- same round trip
WITH entry AS (INSERT INTO ledger_entries (id, kind, transfer_id, cashout_id, top_up_id) VALUES (:t::uuid, 'transfer', :t::uuid, NULL, NULL)) INSERT INTO ledger_lines (entry_id, account_id, amount_cents) SELECT :t::uuid, account_id, amount_cents FROM unnest(ARRAY[:sa::bigint, :ra::bigint], ARRAY[-(:amount::bigint), :amount::bigint]) WITH ORDINALITY AS l(account_id, amount_cents, n) ORDER BY n;
-- same round trip
WITH RECURSIVE src AS ((SELECT debit_id, amount_cents, 0::bigint AS before FROM unsettled_funds WHERE account_id = :sa::bigint ORDER BY debit_id LIMIT 1) UNION ALL SELECT n.debit_id, n.amount_cents, s.before + s.amount_cents FROM src s, LATERAL (SELECT f.debit_id, f.amount_cents FROM unsettled_funds f WHERE f.account_id = :sa::bigint AND f.debit_id > s.debit_id ORDER BY f.debit_id LIMIT 1) n WHERE s.before + s.amount_cents < :amount::bigint), moved AS (SELECT debit_id, least(amount_cents, :amount::bigint - before) AS part FROM src), dec AS (UPDATE unsettled_funds f SET amount_cents = f.amount_cents - m.part FROM moved m WHERE f.account_id = :sa::bigint AND f.debit_id = m.debit_id AND f.amount_cents > m.part), del AS (DELETE FROM unsettled_funds f USING moved m WHERE f.account_id = :sa::bigint AND f.debit_id = m.debit_id AND f.amount_cents <= m.part) INSERT INTO unsettled_funds (account_id, debit_id, amount_cents) SELECT :ra::bigint, debit_id, part FROM moved ORDER BY debit_id ON CONFLICT (account_id, debit_id) DO UPDATE SET amount_cents = unsettled_funds.amount_cents + EXCLUDED.amount_cents;
-- same round trip
INSERT INTO audit_log (actor_type, actor_id, action, entity_type, entity_id, request_id, client_address, outcome, reason, details) VALUES ('user', :s::uuid, 'transfer.created', 'transfer', :t::text, 'bench', '127.0.0.1', 'succeeded', NULL, '{"receiver_id":"x","amount_cents":50,"balance_cents":50,"bank_cents":0,"card_cents":0,"fee_cents":0}'::jsonb);
UPDATE idempotency_keys SET response_status = 201, response_type = 'application/json', response_body = '{"id":"x","amount_cents":50}' WHERE user_id = :s::uuid AND key = :k::text;
-- same round trip
COMMIT;
