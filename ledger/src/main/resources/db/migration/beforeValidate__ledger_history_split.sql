-- Flyway callback, before every validation (module `ledger`). The ledger's first tables used to be created by parts
-- of transfer-api's V1, V3 and V4; they moved, word for word, into this module's V1.1, V3.1 and V4.1 (issue 13: the
-- ledger module owns the money schema). A database migrated before the move has the old V1, V3, V4 (and V9, whose
-- comment named them) in its history and already has everything V1.1, V3.1 and V4.1 create, so its history is brought
-- up to the new layout once, here: the old checksums replaced by the new ones, the three moved parts recorded as
-- applied. Only a history holding exactly the old checksums is touched; a fresh database has no history yet.
-- (SchemaHistoryIT replays it on a history as the build before the move wrote it.)
DO $$
BEGIN
    IF to_regclass('flyway_schema_history') IS NULL THEN
        RETURN;  -- a fresh database (the statements below are planned only when reached)
    END IF;
    IF NOT EXISTS (SELECT 1 FROM flyway_schema_history WHERE version = '1' AND checksum = 1024662428) THEN
        RETURN;
    END IF;
    UPDATE flyway_schema_history h SET checksum = m.new_checksum
      FROM (VALUES ('1', 1024662428, 239141490),
                   ('3', -1335800668, -1326814600),
                   ('4', -1846246908, 1763971955),
                   ('9', 1153341149, 1712837683)) AS m(version, old_checksum, new_checksum)
     WHERE h.version = m.version AND h.checksum = m.old_checksum;
    INSERT INTO flyway_schema_history
           (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
    SELECT (SELECT max(installed_rank) FROM flyway_schema_history) + m.n, m.version, m.description, 'SQL', m.script,
           m.checksum, current_user, 0, true
      FROM (VALUES (1, '1.1', '1', 'ledger core', 'V1_1__ledger_core.sql', 1989351710),
                   (2, '3.1', '3', 'ledger entries name cashouts', 'V3_1__ledger_entries_name_cashouts.sql', 278975886),
                   (3, '4.1', '4', 'ledger debts', 'V4_1__ledger_debts.sql', -1720447894))
           AS m(n, version, part_of, description, script, checksum)
     WHERE EXISTS (SELECT 1 FROM flyway_schema_history h WHERE h.version = m.part_of AND h.success)
       AND NOT EXISTS (SELECT 1 FROM flyway_schema_history h WHERE h.version = m.version);
END $$;
