-- ACH trace numbers are unique within a file date, not for ever (settlement numbers them from 1 each file date): the
-- copies kept on bank debits and cashouts are for looking up, not a uniqueness rule.
DROP INDEX external_charges_trace_number;
CREATE INDEX external_charges_trace_number ON external_charges (trace_number) WHERE trace_number IS NOT NULL;
ALTER TABLE cashouts DROP CONSTRAINT cashouts_trace_number_key;
CREATE INDEX cashouts_trace_number ON cashouts (trace_number) WHERE trace_number IS NOT NULL;
