-- What the CDC connector used to make for itself, made here by the owner so that the connector can run as wallet_cdc
-- (REPLICATION, SELECT on what it captures, its heartbeat row; no ownership, no CREATE): the heartbeat table it writes
-- to move its slot on while the captured tables are quiet, and the publication `wallet_cdc` of the tables it captures
-- by default (CdcSettings.DEFAULT_TABLES; the connector then runs with cdc.publication.autocreate-mode=disabled).
-- Both may exist already, made by a connector running as a superuser.
CREATE SCHEMA IF NOT EXISTS cdc;
CREATE TABLE IF NOT EXISTS cdc.heartbeat (id int PRIMARY KEY, beat_at timestamptz NOT NULL);

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = 'wallet_cdc') THEN
        CREATE PUBLICATION wallet_cdc FOR TABLE public.users, public.friend_requests, public.friendships,
            public.transfers, public.payment_requests, public.cashouts, cdc.heartbeat;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'wallet_cdc') THEN
        GRANT USAGE ON SCHEMA cdc TO wallet_cdc;
        GRANT SELECT, INSERT, UPDATE ON cdc.heartbeat TO wallet_cdc;
    END IF;
END $$;
