package com.wallet.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import com.wallet.settlement.SettlementTestSupport.Person;
import com.wallet.settlement.nacha.NachaValidator;
import com.wallet.stack.StackExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Same-day ACH on (the Fed's windows), with a per-entry limit of $10 so that a small payment goes over it. */
@ExtendWith(StackExtension.class)
@SpringBootTest(
        classes = SettlementApplication.class,
        properties = {
            "spring.config.name=settlement",
            "settlement.same-day.enabled=true",
            "settlement.same-day.per-entry-limit-cents=1000"
        })
class SameDayAchIT {

    @Autowired
    JobRunner jobs;

    @Autowired
    JdbcTemplate db;

    @DynamicPropertySource
    static void stack(DynamicPropertyRegistry registry) {
        SettlementTestSupport.register(registry);
    }

    private UUID payment(long cents) {
        Person payer = SettlementTestSupport.newUser("payer");
        SettlementTestSupport.verifiedBank(payer, SettlementTestSupport.newAccount());
        SettlementTestSupport.send(payer, SettlementTestSupport.newUser("payee"), cents);
        return db.queryForObject("SELECT id FROM external_charges WHERE user_id = ?", UUID.class, payer.id());
    }

    private Map<String, Object> entry(UUID source) {
        return db.queryForMap(
                "SELECT e.effective_date, e.status, f.same_day_cutoff, f.path FROM ach_entries e"
                        + " JOIN ach_files f ON f.id = e.file_id WHERE e.source_id = ?",
                source);
    }

    @Test
    void beforeACutOffEntriesUpToTheLimitSettleTheSameDayAndEachSettlesOnItsOwnDate() throws Exception {
        LocalDate tuesday = LocalDate.of(2026, 12, 1);
        jobs.run("achOrigination", tuesday, Instant.parse("2026-12-01T23:00:00Z"));
        UUID small = payment(700);
        UUID large = payment(1_500);
        // 09:00 in New York (EST): the 10:30 window
        assertThat(jobs.run("achOrigination", tuesday, Instant.parse("2026-12-01T14:00:00Z"))
                        .ok())
                .isTrue();
        Map<String, Object> sameDay = entry(small);
        assertThat(sameDay.get("effective_date").toString()).isEqualTo("2026-12-01");
        assertThat(sameDay.get("same_day_cutoff").toString()).startsWith("10:30");
        assertThat(entry(large).get("effective_date").toString())
                .as("over the same-day limit: the next banking day")
                .isEqualTo("2026-12-02");
        String nacha = Files.readString(Path.of((String) sameDay.get("path")));
        assertThat(NachaValidator.problems(nacha)).isEmpty();
        assertThat(nacha.lines().filter(l -> l.startsWith("5")).map(l -> l.substring(69, 75)))
                .contains("261201", "261202");

        // each entry settles two banking days after its own effective date
        assertThat(jobs.run("achReturns", LocalDate.of(2026, 12, 3)).ok()).isTrue();
        assertThat(entry(small).get("status")).isEqualTo("completed");
        assertThat(entry(large).get("status")).isEqualTo("submitted");
        assertThat(jobs.run("achReturns", LocalDate.of(2026, 12, 4)).ok()).isTrue();
        assertThat(entry(large).get("status")).isEqualTo("completed");
    }

    @Test
    void theWindowFollowsNewYorkTimeAndNoneIsLeftAfterTheLastCutOffOrOnAHoliday() {
        // 10:40 in New York in summer (EDT; it would be 09:40 in EST): past 10:30, so the 14:45 window
        LocalDate july = LocalDate.of(2026, 7, 1);
        jobs.run("achOrigination", july, Instant.parse("2026-07-01T23:00:00Z"));
        UUID summer = payment(300);
        assertThat(jobs.run("achOrigination", july, Instant.parse("2026-07-01T14:40:00Z"))
                        .ok())
                .isTrue();
        assertThat(entry(summer).get("same_day_cutoff").toString()).startsWith("14:45");
        assertThat(entry(summer).get("effective_date").toString()).isEqualTo("2026-07-01");

        // 17:00 in New York: after the last window, the next banking day
        LocalDate wednesday = LocalDate.of(2026, 12, 2);
        UUID late = payment(300);
        assertThat(jobs.run("achOrigination", wednesday, Instant.parse("2026-12-02T22:00:00Z"))
                        .ok())
                .isTrue();
        assertThat(entry(late).get("same_day_cutoff")).isNull();
        assertThat(entry(late).get("effective_date").toString()).isEqualTo("2026-12-03");

        // Christmas morning is no banking day: the next one is the 28th
        LocalDate christmas = LocalDate.of(2026, 12, 25);
        UUID festive = payment(300);
        assertThat(jobs.run("achOrigination", christmas, Instant.parse("2026-12-25T14:00:00Z"))
                        .ok())
                .isTrue();
        assertThat(entry(festive).get("same_day_cutoff")).isNull();
        assertThat(entry(festive).get("effective_date").toString()).isEqualTo("2026-12-28");
    }
}
