-- The audit trail in monthly partitions (by occurred_at, in UTC months), kept for seven years: each month is one
-- table that can be archived and detached as a whole when its seven years are over (the procedure is in the README),
-- instead of deleting rows from an append-only table. Partitions are made ahead of time by
-- audit_log_add_partitions(months_ahead), which transfer-api calls at start and daily (wallet.audit.*); it runs with
-- its owner's rights, so the application's role needs no DDL privilege. There is no default partition: a row for a
-- month without a partition fails its transaction (nothing happens unaudited).

ALTER TABLE audit_log RENAME TO audit_log_unpartitioned;
ALTER INDEX audit_log_entity RENAME TO audit_log_unpartitioned_entity;

CREATE TABLE audit_log (
    id             bigint GENERATED ALWAYS AS IDENTITY,
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    actor_id       uuid,
    action         text NOT NULL,
    entity_type    text NOT NULL,
    entity_id      text NOT NULL,
    request_id     text,
    details        jsonb NOT NULL DEFAULT '{}'::jsonb,
    actor_type     text NOT NULL DEFAULT 'user' CHECK (actor_type IN ('user', 'system', 'anonymous')),
    client_address text,
    outcome        text NOT NULL DEFAULT 'succeeded' CHECK (outcome IN ('succeeded', 'refused', 'failed')),
    reason         text,
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, occurred_at) WHERE actor_id IS NOT NULL;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

-- The monthly partitions covering [from_month, to_month] (UTC months), made if missing; returns how many were made.
-- Each partition also refuses TRUNCATE by itself (row triggers are inherited from the parent, statement ones not).
CREATE FUNCTION audit_log_add_partitions_between(from_month timestamptz, to_month timestamptz) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    m     timestamp := date_trunc('month', from_month AT TIME ZONE 'UTC');
    last  timestamp := date_trunc('month', to_month AT TIME ZONE 'UTC');
    name  text;
    made  int := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('audit_log_add_partitions'));
    WHILE m <= last LOOP
        name := 'audit_log_' || to_char(m, 'YYYY_MM');
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
                           name, (m AT TIME ZONE 'UTC'), ((m + interval '1 month') AT TIME ZONE 'UTC'));
            EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION forbid_change()',
                           name || '_no_truncate', name);
            made := made + 1;
        END IF;
        m := m + interval '1 month';
    END LOOP;
    RETURN made;
END $$;

-- This month's partition and the next months_ahead ones (what the application calls).
CREATE FUNCTION audit_log_add_partitions(months_ahead int) RETURNS int
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    SELECT audit_log_add_partitions_between(now(), now() + make_interval(months => months_ahead));
$$;

-- The partitions whose whole month ended before now() - retention: the ones due for archival (see the README).
CREATE FUNCTION audit_log_partitions_past(retention interval) RETURNS TABLE (partition_name text, month_start timestamptz)
LANGUAGE sql STABLE SET search_path = public AS $$
    SELECT c.relname::text, to_date(substr(c.relname, 11), 'YYYY_MM')::timestamp AT TIME ZONE 'UTC'
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'audit_log'::regclass
       AND (to_date(substr(c.relname, 11), 'YYYY_MM') + interval '1 month') AT TIME ZONE 'UTC' <= now() - retention
     ORDER BY 1;
$$;

SELECT audit_log_add_partitions_between(coalesce((SELECT min(occurred_at) FROM audit_log_unpartitioned), now()),
                                        now() + interval '3 months');
INSERT INTO audit_log (id, occurred_at, actor_id, action, entity_type, entity_id, request_id, details, actor_type,
                       client_address, outcome, reason)
OVERRIDING SYSTEM VALUE
SELECT id, occurred_at, actor_id, action, entity_type, entity_id, request_id, details, actor_type,
       client_address, outcome, reason
  FROM audit_log_unpartitioned;
SELECT setval(pg_get_serial_sequence('audit_log', 'id'), coalesce(max(id), 0) + 1, false) FROM audit_log;
DROP TABLE audit_log_unpartitioned;
