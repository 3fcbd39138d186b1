-- Each entry settles on its own effective entry date (same-day entries on the business date, the others on the next
-- banking day), so the date moves from the file to the entry; the file keeps the same-day window it was sent in.
ALTER TABLE ach_entries ADD COLUMN effective_date date;
UPDATE ach_entries e SET effective_date = coalesce(f.effective_date, f.business_date + 1)
  FROM ach_files f WHERE f.id = e.file_id;
ALTER TABLE ach_entries ALTER COLUMN effective_date SET NOT NULL;
CREATE INDEX ach_entries_submitted_by_effective_date ON ach_entries (effective_date) WHERE status = 'submitted';
ALTER TABLE ach_files ADD COLUMN same_day_cutoff time;

-- Re-presentment (R01/R09): a debit returned for insufficient or uncollected funds is sent again, at most twice, as a
-- RETRY PYMT entry; presentment 0 is the original. A source has one entry per presentment.
ALTER TABLE ach_entries ADD COLUMN presentment smallint NOT NULL DEFAULT 0 CHECK (presentment BETWEEN 0 AND 2);
ALTER TABLE ach_entries ADD COLUMN original_trace text;
ALTER TABLE ach_entries DROP CONSTRAINT ach_entries_source_id_key;
ALTER TABLE ach_entries ADD CONSTRAINT ach_entries_one_per_presentment UNIQUE (source_id, presentment);

-- The re-presentments due: made when an R01/R09 is applied, taken into the first file on or after not_before.
CREATE TABLE ach_representments (
    source_id        uuid NOT NULL,
    presentment      smallint NOT NULL CHECK (presentment BETWEEN 1 AND 2),
    not_before       date NOT NULL,
    original_trace   text NOT NULL,
    return_sequence  bigint NOT NULL REFERENCES ach_returns (sequence),
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_id, presentment)
);

-- The business date a return was first fetched on: reconciliation lists returns still unmatched two banking days on.
ALTER TABLE ach_returns ADD COLUMN received_on date;

-- Notifications of change (COR entries): kept when fetched, applied to the payment method once their entry is known
-- (C01-C07), or refused with the reason. The corrected data (it may be an account number) is kept encrypted only until
-- the notice is applied or refused.
CREATE TABLE ach_change_notices (
    sequence           bigint PRIMARY KEY,
    file_id            uuid,
    trace_number       text NOT NULL,
    change_code        text NOT NULL,
    corrected_encrypted bytea,
    status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'refused')),
    reason             text,
    payment_method_id  uuid REFERENCES payment_methods (id),
    received_on        date,
    processed_at       timestamptz
);
CREATE INDEX ach_change_notices_pending ON ach_change_notices (sequence) WHERE status = 'pending';

-- Review cases also come from refused change notices.
ALTER TABLE ach_review_cases ALTER COLUMN return_sequence DROP NOT NULL;
ALTER TABLE ach_review_cases ADD COLUMN change_sequence bigint REFERENCES ach_change_notices (sequence) UNIQUE;
ALTER TABLE ach_review_cases DROP CONSTRAINT ach_review_cases_kind_check;
ALTER TABLE ach_review_cases ADD CONSTRAINT ach_review_cases_kind_check
    CHECK (kind IN ('unauthorized', 'late_return', 'refused_change'));
ALTER TABLE ach_review_cases ADD CONSTRAINT ach_review_cases_one_source
    CHECK ((return_sequence IS NULL) <> (change_sequence IS NULL));
