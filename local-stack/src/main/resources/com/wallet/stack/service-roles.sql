-- The database roles of the wallet's services, least privilege (run once per database by a superuser; idempotent).
-- Production: a DBA runs this script (with passwords: ALTER ROLE ... PASSWORD) before the first deployment.
--   wallet_owner       owns the schema and every table; Flyway migrations run as it. No service connects as it.
--   wallet_api         transfer-api: reads and writes rows (DML) as the grants below and the migrations'
--   wallet_settlement  settlement-batch:   grant_service_privileges() give; no DDL, no TRUNCATE, no trigger change;
--                      ledger lines and entries and the audit log insert-only; a wallet's balance and held
--                      sum written by the ledger's triggers only.
--   wallet_cdc         cdc-connector: REPLICATION, SELECT on the captured tables, its heartbeat row.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wallet_owner') THEN
        CREATE ROLE wallet_owner LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wallet_api') THEN
        CREATE ROLE wallet_api LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wallet_settlement') THEN
        CREATE ROLE wallet_settlement LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wallet_cdc') THEN
        CREATE ROLE wallet_cdc LOGIN REPLICATION;
    END IF;
END $$;

DO $$
DECLARE
    o record;
BEGIN
    EXECUTE format('GRANT CONNECT, CREATE, TEMPORARY ON DATABASE %I TO wallet_owner', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO wallet_api, wallet_settlement, wallet_cdc', current_database());
    EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    -- a database migrated before these roles existed: its objects pass to the owner role
    FOR o IN SELECT c.oid::regclass AS name, c.relkind AS kind
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname IN ('public', 'cdc') AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
                AND c.relkind IN ('r', 'p', 'S', 'v', 'm') AND NOT c.relispartition
                AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND c.relkind = 'S'
                                   AND d.deptype IN ('a', 'i')) -- a column's sequence goes with its table
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO wallet_owner',
                       CASE o.kind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                   ELSE 'TABLE' END, o.name);
    END LOOP;
    FOR o IN SELECT p.oid::regprocedure AS sig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname IN ('public', 'cdc') AND p.proowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO wallet_owner', o.sig);
    END LOOP;
    ALTER SCHEMA public OWNER TO wallet_owner;
    IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'cdc') THEN
        ALTER SCHEMA cdc OWNER TO wallet_owner;
    END IF;
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    GRANT USAGE ON SCHEMA public TO wallet_api, wallet_settlement, wallet_cdc;
END $$;
