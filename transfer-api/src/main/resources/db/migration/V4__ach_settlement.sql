-- The trace number of the ACH entry that carries a bank debit.
ALTER TABLE external_charges ADD COLUMN trace_number text UNIQUE;
ALTER TABLE external_charges ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
