-- Trace numbers are unique per ODFI within a file date (the NACHA rule), not for ever: they are numbered from 1 on each
-- file date (the business date the file is for, which its header carries as its creation date), so origination never runs out (a global 7-digit sequence stopped for good after ten million
-- entries). An entry is identified by its file and position; a return is matched by the file and trace number it
-- carries.
ALTER TABLE ach_entries ADD COLUMN file_date date;
UPDATE ach_entries e SET file_date = f.business_date FROM ach_files f WHERE f.id = e.file_id;
ALTER TABLE ach_entries ALTER COLUMN file_date SET NOT NULL;
ALTER TABLE ach_entries DROP CONSTRAINT ach_entries_pkey;
ALTER TABLE ach_entries DROP CONSTRAINT ach_entries_file_id_seq_key;
ALTER TABLE ach_entries ADD PRIMARY KEY (file_id, seq);
ALTER TABLE ach_entries ADD CONSTRAINT ach_entries_trace_per_file_date UNIQUE (file_date, trace_number);
CREATE INDEX ach_entries_by_trace ON ach_entries (trace_number);

ALTER TABLE ach_returns DROP CONSTRAINT ach_returns_trace_number_key;
ALTER TABLE ach_returns ADD COLUMN file_id uuid;
DROP SEQUENCE ach_trace_seq;
