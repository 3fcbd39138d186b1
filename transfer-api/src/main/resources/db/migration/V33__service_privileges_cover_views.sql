-- grant_service_privileges() (V19) covers views too: SELECT on every view of the schema for the service roles (the
-- ledger's wallet_balances, V31), so every history that calls it after its migrations (transfer-api's and
-- settlement-batch's R__service_privileges) grants them, not only transfer-api's. Otherwise as V19.
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
    END LOOP;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'wallet_cdc') THEN
        GRANT USAGE ON SCHEMA public TO wallet_cdc;
        GRANT SELECT ON users, friend_requests, friendships, transfers, payment_requests, cashouts TO wallet_cdc;
    END IF;
END $$;

REVOKE EXECUTE ON FUNCTION grant_service_privileges() FROM PUBLIC;
