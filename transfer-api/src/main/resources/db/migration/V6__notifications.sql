-- Notifications, derived from the change topics by the API's listener. event_key names the change event that caused
-- a notification (kind, row and the state it reached), so a replayed event finds its notification already there.
CREATE TABLE notifications (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id),
    kind        text NOT NULL,
    subject_id  uuid NOT NULL,
    event_key   text NOT NULL UNIQUE,
    payload     jsonb NOT NULL,
    published   boolean NOT NULL DEFAULT false,
    read_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unpublished ON notifications (created_at) WHERE NOT published;
