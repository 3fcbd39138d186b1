-- What each service's role may do (the roles come from local-stack's service-roles.sql, run by a superuser or a
-- DBA; where they do not exist this does nothing). Called by a repeatable migration in transfer-api's and in
-- settlement-batch's history after every migration run, so tables added later are covered.
--   wallet_api, wallet_settlement: rows only (SELECT, INSERT, UPDATE, DELETE), never DDL, TRUNCATE or triggers (they
--     own nothing); ledger lines and entries and the audit log insert-only (and not the audit log's partitions
--     directly); no access to the migration histories. Sequences: usage.
--   wallet_cdc: SELECT on the tables the connector captures by default, and its heartbeat row.
CREATE FUNCTION grant_service_privileges() RETURNS void LANGUAGE plpgsql AS $$
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
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', r);
        EXECUTE format('GRANT EXECUTE ON FUNCTION audit_log_add_partitions(int) TO %I', r);
    END LOOP;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'wallet_cdc') THEN
        GRANT USAGE ON SCHEMA public TO wallet_cdc;
        GRANT SELECT ON users, friend_requests, friendships, transfers, payment_requests, cashouts TO wallet_cdc;
    END IF;
END $$;

-- only the owner (and whom it grants) may run these
REVOKE EXECUTE ON FUNCTION grant_service_privileges() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION audit_log_add_partitions(int) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION audit_log_add_partitions_between(timestamptz, timestamptz) FROM PUBLIC;
