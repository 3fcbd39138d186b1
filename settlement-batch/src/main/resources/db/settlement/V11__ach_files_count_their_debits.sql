-- The return rates' denominator (AchReturnRates: our debit entries in files of the last 60 days) counted per file when
-- its entries are collected, so a run sums a few file rows instead of reading 60 days of entries (at a million debits
-- a day, 60 million rows a night). Files collected before this are counted here, once.
ALTER TABLE ach_files ADD COLUMN debit_count int NOT NULL DEFAULT 0 CHECK (debit_count >= 0);
UPDATE ach_files f SET debit_count = d.n
  FROM (SELECT file_id, count(*) AS n FROM ach_entries WHERE transaction_code = 27 GROUP BY file_id) d
 WHERE d.file_id = f.id;
CREATE INDEX ach_files_submitted_by_date ON ach_files (business_date) WHERE status = 'submitted';
