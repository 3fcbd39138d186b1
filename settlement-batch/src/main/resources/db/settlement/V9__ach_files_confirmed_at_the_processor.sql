-- Reconciliation asks the processor about each submitted file until one run finds it there with our counts and
-- totals (confirmed_at), not about every file ever submitted at every run (a call per file, more each day); it checks
-- the entries of the files not confirmed yet the same way. A confirmed file never changes again (its entries only move
-- on, returned or completed). settlement.reconciliation.full-history asks about every file again. Files submitted
-- before this migration are unconfirmed: the first run after it asks about each once.
ALTER TABLE ach_files ADD COLUMN confirmed_at timestamptz;
ALTER TABLE ach_files ADD CONSTRAINT ach_files_confirmed_once_submitted
    CHECK (confirmed_at IS NULL OR status = 'submitted');
CREATE INDEX ach_files_unconfirmed ON ach_files (created_at) WHERE confirmed_at IS NULL;
