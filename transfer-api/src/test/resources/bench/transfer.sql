-- pgbench script of TransferBench: the statements TransferService sends for one bank-funded transfer, in the same
-- order, with the same locks, replayed by pgbench against the same database. It measures what PostgreSQL alone can
-- do with a transfer (no HTTP, no JVM); the accounts come from the bench_users table the benchmark fills.
\set a random(1, 200)
\set b random(1, 199)
\set rn (:a + :b - 1) % 200 + 1
SELECT id AS s, bank AS sb FROM bench_users WHERE n = :a \gset
SELECT id AS r, account AS ra FROM bench_users WHERE n = :rn \gset
SELECT gen_random_uuid() AS t, gen_random_uuid()::text AS k \gset
BEGIN;
INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES (:s::uuid, :k::text, 'hash') ON CONFLICT DO NOTHING;
SAVEPOINT action;
SELECT a.id, a.user_id, a.balance_cents, a.restricted, u.status, u.default_visibility FROM ledger_accounts a JOIN users u ON u.id = a.user_id WHERE a.kind = 'wallet' AND a.user_id = ANY(ARRAY[:s::uuid, :r::uuid]::uuid[]) ORDER BY a.id FOR UPDATE OF a;
SELECT s.last_day, s.last_week, (SELECT id FROM payment_methods WHERE user_id = :s::uuid AND type = 'bank' AND is_default AND NOT removed AND verified) AS bank, (SELECT id FROM payment_methods WHERE user_id = :s::uuid AND type = 'card' AND is_default AND NOT removed) AS card FROM (SELECT coalesce(sum(amount_cents) FILTER (WHERE created_at > now() - interval '24 hours'), 0) AS last_day, coalesce(sum(amount_cents), 0) AS last_week FROM transfers WHERE sender_id = :s::uuid AND created_at > now() - interval '7 days') s;
WITH t AS (INSERT INTO transfers (id, sender_id, receiver_id, amount_cents, balance_cents, bank_cents, card_cents, fee_cents, note, visibility, status, payment_request_id) VALUES (:t::uuid, :s::uuid, :r::uuid, 50, 0, 50, 0, 0, 'bench', 'friends', 'completed', NULL) RETURNING id, sender_id, created_at), debit AS (INSERT INTO external_charges (id, transfer_id, user_id, payment_method_id, kind, amount_cents) SELECT gen_random_uuid(), t.id, t.sender_id, :sb::uuid, 'bank_debit', 50 FROM t) SELECT created_at FROM t;
WITH entry AS (INSERT INTO ledger_entries (id, kind, transfer_id, cashout_id) VALUES (:t::uuid, 'transfer', :t::uuid, NULL)) INSERT INTO ledger_lines (entry_id, account_id, amount_cents) SELECT :t::uuid, account_id, amount_cents FROM unnest(ARRAY[1, :ra::bigint]::bigint[], ARRAY[-50, 50]::bigint[]) WITH ORDINALITY AS l(account_id, amount_cents, n) ORDER BY n;
INSERT INTO audit_log (actor_id, action, entity_type, entity_id, request_id, details) VALUES (:s::uuid, 'transfer.created', 'transfer', :t::text, 'bench', '{"receiver_id":"x","amount_cents":50,"balance_cents":0,"bank_cents":50,"card_cents":0,"fee_cents":0}'::jsonb);
UPDATE idempotency_keys SET response_status = 201, response_type = 'application/json', response_body = '{"id":"x","amount_cents":50}' WHERE user_id = :s::uuid AND key = :k::text;
COMMIT;
