-- What each service's role may do (the roles come from local-stack's service-roles.sql, run by a superuser or a
-- DBA; where they do not exist this does nothing). Called by R__service_privileges in transfer-api's and in
-- settlement-batch's history after every migration run, so tables added later are covered; this migration runs
-- before it (repeatable migrations run in the order of their descriptions) whenever it changes, so the rules are
-- edited here, in place (they were V19's, then V33's).
--   wallet_api, wallet_settlement: rows only (SELECT, INSERT, UPDATE, DELETE), never DDL, TRUNCATE or triggers (they
--     own nothing); ledger lines and entries and the audit log insert-only (and not the audit log's partitions
--     directly); a wallet's balance and held sum not at all (only the ledger's triggers write them); no access to the
--     migration histories. Views: SELECT. Sequences: usage.
--   wallet_cdc: SELECT on the tables the connector captures by default, and its heartbeat row.
CREATE OR REPLACE FUNCTION grant_service_privileges() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r text;
    t text;
BEGIN
    FOREACH r IN ARRAY ARRAY['wallet_api', 'wallet_settlement'] LOOP
        CONTINUE WHEN NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r);
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', r);
        FOR t IN SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                    AND c.relname NOT IN ('flyway_schema_history', 'settlement_schema_history')
        LOOP
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %I', t, r);
        END LOOP;
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON ledger_lines, ledger_entries, audit_log FROM %I', r);
        -- a wallet's balance and held sum change through the ledger's triggers only (ledger V35): a wallet is opened
        -- with nothing, only its debt flag is set by a service (Ledger.restrict), and the credits left beside a wallet
        -- are the triggers' alone. (A table-level REVOKE takes the column grants with it, so these come after it.)
        EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON ledger_accounts, wallet_credits FROM %I', r);
        EXECUTE format('GRANT INSERT (kind, user_id), UPDATE (restricted) ON ledger_accounts TO %I', r);
        -- partitions and histories: nothing (a partition is reached through its parent's grants)
        FOR t IN SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND (c.relispartition
                        OR c.relname IN ('flyway_schema_history', 'settlement_schema_history'))
        LOOP
            EXECUTE format('REVOKE ALL ON %s FROM %I', t, r);
        END LOOP;
        -- views (the ledger's wallet_balances): read only
        FOR t IN SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relkind = 'v'
        LOOP
            EXECUTE format('GRANT SELECT ON %s TO %I', t, r);
        END LOOP;
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', r);
        EXECUTE format('GRANT EXECUTE ON FUNCTION audit_log_add_partitions(int) TO %I', r);
        -- the reconciliation's checkpoint boundary (ledger V47), which makes payments wait a moment: settlement only
        IF r = 'wallet_settlement' THEN
            EXECUTE format('GRANT EXECUTE ON FUNCTION ledger_lines_boundary(int) TO %I', r);
        END IF;
    END LOOP;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'wallet_cdc') THEN
        GRANT USAGE ON SCHEMA public TO wallet_cdc;
        GRANT SELECT ON users, friend_requests, friendships, transfers, payment_requests, cashouts TO wallet_cdc;
    END IF;
END $$;

REVOKE EXECUTE ON FUNCTION grant_service_privileges() FROM PUBLIC;
