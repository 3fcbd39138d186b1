-- The effective entry date a file asks for: a banking day (weekends and the Federal Reserve's holidays skipped), fixed
-- when the file is created so that writing it again gives the same bytes.
ALTER TABLE ach_files ADD COLUMN effective_date date;
