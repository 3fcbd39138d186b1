-- Re-run after every migration run (the placeholder changes each time): the service roles' grants cover every table.
-- ${flyway:timestamp}
SELECT grant_service_privileges();

-- Views (the ledger's wallet_balances): read only, for the same roles.
DO $$
DECLARE
    r text;
    v text;
BEGIN
    FOREACH r IN ARRAY ARRAY['wallet_api', 'wallet_settlement'] LOOP
        CONTINUE WHEN NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r);
        FOR v IN SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relkind = 'v'
        LOOP
            EXECUTE format('GRANT SELECT ON %s TO %I', v, r);
        END LOOP;
    END LOOP;
END $$;
