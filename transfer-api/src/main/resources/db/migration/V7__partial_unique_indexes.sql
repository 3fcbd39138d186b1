-- A UNIQUE constraint on a column that is NULL in most rows still puts every row into its index: each transfer paid
-- an index insertion for its (usually absent) payment request, each external charge for its trace number (absent
-- until settlement submits it). Partial unique indexes keep the same guarantee for the values that exist and skip the
-- NULLs; lookups by value (settlement matches returns by trace number) use them as before.
ALTER TABLE transfers DROP CONSTRAINT transfers_payment_request_id_key;
CREATE UNIQUE INDEX transfers_payment_request ON transfers (payment_request_id) WHERE payment_request_id IS NOT NULL;

ALTER TABLE external_charges DROP CONSTRAINT external_charges_trace_number_key;
CREATE UNIQUE INDEX external_charges_trace_number ON external_charges (trace_number) WHERE trace_number IS NOT NULL;
