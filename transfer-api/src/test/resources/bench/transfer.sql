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
WITH w AS (SELECT now() - interval '24 hours' AS day_start, now() - interval '7 days' AS week_start), h AS (SELECT day_start, week_start, floor(extract(epoch FROM day_start) / 3600)::bigint AS day_hour, floor(extract(epoch FROM week_start) / 3600)::bigint AS week_hour FROM w) SELECT ((SELECT coalesce(sum(sent_cents), 0) FROM sent_by_hour WHERE user_id = :s::uuid AND hour > h.day_hour) + (SELECT coalesce(sum(amount_cents), 0) FROM transfers WHERE sender_id = :s::uuid AND created_at > h.day_start AND created_at < to_timestamp((h.day_hour + 1) * 3600))) AS last_day, ((SELECT coalesce(sum(sent_cents), 0) FROM sent_by_hour WHERE user_id = :s::uuid AND hour > h.week_hour) + (SELECT coalesce(sum(amount_cents), 0) FROM transfers WHERE sender_id = :s::uuid AND created_at > h.week_start AND created_at < to_timestamp((h.week_hour + 1) * 3600))) AS last_week, (SELECT id FROM payment_methods WHERE user_id = :s::uuid AND type = 'bank' AND is_default AND NOT removed AND verified) AS bank, (SELECT id FROM payment_methods WHERE user_id = :s::uuid AND type = 'card' AND is_default AND NOT removed) AS card FROM h;
WITH t AS (INSERT INTO transfers (id, sender_id, receiver_id, amount_cents, balance_cents, bank_cents, card_cents, fee_cents, note, visibility, status, payment_request_id) VALUES (:t::uuid, :s::uuid, :r::uuid, 50, 0, 50, 0, 0, 'bench', 'friends', 'completed', NULL) RETURNING id, sender_id, created_at), debit AS (INSERT INTO external_charges (id, transfer_id, user_id, payment_method_id, kind, amount_cents) SELECT gen_random_uuid(), t.id, t.sender_id, :sb::uuid, 'bank_debit', 50 FROM t) SELECT created_at FROM t;
WITH entry AS (INSERT INTO ledger_entries (id, kind, transfer_id, cashout_id) VALUES (:t::uuid, 'transfer', :t::uuid, NULL)) INSERT INTO ledger_lines (entry_id, account_id, amount_cents) SELECT :t::uuid, account_id, amount_cents FROM unnest(ARRAY[1, :ra::bigint]::bigint[], ARRAY[-50, 50]::bigint[]) WITH ORDINALITY AS l(account_id, amount_cents, n) ORDER BY n;
INSERT INTO audit_log (actor_id, action, entity_type, entity_id, request_id, details) VALUES (:s::uuid, 'transfer.created', 'transfer', :t::text, 'bench', '{"receiver_id":"x","amount_cents":50,"balance_cents":0,"bank_cents":50,"card_cents":0,"fee_cents":0}'::jsonb);
UPDATE idempotency_keys SET response_status = 201, response_type = 'application/json', response_body = '{"id":"x","amount_cents":50}' WHERE user_id = :s::uuid AND key = :k::text;
COMMIT;
