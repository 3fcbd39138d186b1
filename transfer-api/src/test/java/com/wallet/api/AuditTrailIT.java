package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;

/**
 * The audit trail's retention plan: monthly partitions (UTC months) made ahead of time, each append-only and not
 * truncatable by itself (checked as the superuser: the triggers hold even for the owner), and the partitions past the
 * retention listed for archival.
 */
@ApiIT
class AuditTrailIT extends ApiIT.Base {

    private static String partition(YearMonth month) {
        return "audit_log_" + month.format(DateTimeFormatter.ofPattern("yyyy_MM"));
    }

    @Test
    void rowsLandInTheirMonthsPartitionWhichIsAppendOnly() {
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM pg_partitioned_table WHERE partrelid = 'audit_log'::regclass",
                        Integer.class))
                .isEqualTo(1);
        List<String> partitions = db.queryForList(
                "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                        + " WHERE i.inhparent = 'audit_log'::regclass",
                String.class);
        for (int ahead = 0; ahead <= 3; ahead++) {
            assertThat(partitions).as("made ahead at start").contains(partition(now.plusMonths(ahead)));
        }

        Api.Person alice = api.newUser("alice");
        assertThat(db.queryForObject(
                        "SELECT tableoid::regclass::text FROM audit_log WHERE action = 'user.created' AND actor_id = ?",
                        String.class,
                        alice.id()))
                .isEqualTo(partition(now));
        String current = partition(now);
        for (String change : List.of(
                "UPDATE audit_log SET reason = 'x' WHERE actor_id = '" + alice.id() + "'",
                "DELETE FROM audit_log WHERE actor_id = '" + alice.id() + "'",
                "UPDATE " + current + " SET reason = 'x' WHERE actor_id = '" + alice.id() + "'",
                "DELETE FROM " + current + " WHERE actor_id = '" + alice.id() + "'",
                "TRUNCATE audit_log",
                "TRUNCATE " + current)) {
            assertThatThrownBy(() -> admin().execute(change))
                    .as(change)
                    .isInstanceOf(DataAccessException.class)
                    .hasMessageContaining("append-only");
        }
        assertThat(db.queryForObject("SELECT count(*) FROM audit_log WHERE actor_id = ?", Integer.class, alice.id()))
                .isEqualTo(1);
    }

    @Test
    void partitionsAreMadeAheadOnceAndOldOnesAreListedForArchival() {
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        admin().queryForObject("SELECT audit_log_add_partitions(5)", Integer.class);
        assertThat(admin().queryForObject("SELECT audit_log_add_partitions(5)", Integer.class))
                .as("idempotent")
                .isZero();
        assertThat(db.queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class, partition(now.plusMonths(5))))
                .isTrue();

        // a month eight years ago (as if the table were that old): past a seven-year retention; this month is not
        YearMonth old = now.minusYears(8);
        admin().queryForObject(
                        "SELECT audit_log_add_partitions_between(now() - interval '8 years', now() - interval '8 years')",
                        Integer.class);
        List<String> due = db.queryForList(
                "SELECT partition_name FROM audit_log_partitions_past(interval '7 years')", String.class);
        assertThat(due).contains(partition(old)).doesNotContain(partition(now), partition(now.minusYears(6)));
    }
}
