-- Scheduled and recurring payments. A schedule makes one occurrence per date (start_date, then every week, two weeks
-- or month after it: occurrence n of a monthly schedule is start_date + n months, so one on the 31st runs on each
-- month's last day); an occurrence is paid at most once: the transfer and the occurrence's 'paid' are written in one
-- transaction, under an idempotency key of its own per attempt.
CREATE TABLE scheduled_payments (
    id            uuid PRIMARY KEY,
    payer_id      uuid NOT NULL REFERENCES users (id),
    receiver_id   uuid NOT NULL REFERENCES users (id),
    amount_cents  bigint NOT NULL CHECK (amount_cents > 0),
    note          text NOT NULL CHECK (char_length(note) BETWEEN 1 AND 280),
    visibility    text CHECK (visibility IN ('public', 'friends', 'private')),
    repeat        text NOT NULL CHECK (repeat IN ('none', 'weekly', 'biweekly', 'monthly')),
    start_date    date NOT NULL,
    end_date      date,
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'finished', 'cancelled')),
    occurrences   int NOT NULL DEFAULT 0 CHECK (occurrences >= 0),  -- occurrences made so far
    next_date     date,                                              -- the next occurrence's date, while active
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (payer_id <> receiver_id),
    CHECK (end_date IS NULL OR end_date >= start_date),
    CHECK ((status = 'active') = (next_date IS NOT NULL))
);
CREATE INDEX scheduled_payments_due ON scheduled_payments (next_date) WHERE status = 'active';
CREATE INDEX scheduled_payments_by_payer ON scheduled_payments (payer_id, created_at DESC, id DESC);

CREATE TABLE scheduled_payment_runs (
    schedule_id    uuid NOT NULL REFERENCES scheduled_payments (id),
    run_date       date NOT NULL,
    status         text NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'retry', 'paid', 'failed', 'cancelled')),
    attempts       int NOT NULL DEFAULT 0,
    retry_at       timestamptz,
    transfer_id    uuid REFERENCES transfers (id),
    failure        text,
    updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (schedule_id, run_date),
    CHECK ((status = 'paid') = (transfer_id IS NOT NULL))
);
CREATE INDEX scheduled_payment_runs_open ON scheduled_payment_runs (run_date) WHERE status IN ('due', 'retry');
