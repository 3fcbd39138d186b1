package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.wallet.api.schedule.ScheduledPaymentRunner;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The scheduler is driven by the test at the moments it chooses ({@link ScheduledPaymentRunner#runAt}); the test
 * profile turns its own timer off. Dates are after today (UTC), as a payer would set them.
 */
@ApiIT
class ScheduledPaymentIT extends ApiIT.Base {

    @Autowired
    ScheduledPaymentRunner runner;

    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    private static Instant at(LocalDate day, int hour) {
        return day.atTime(hour, 0).toInstant(ZoneOffset.UTC);
    }

    private Api.Response schedule(Api.Person payer, Api.Person receiver, long cents, Map<String, Object> more) {
        Map<String, Object> body = new HashMap<>(Map.of(
                "receiver_id", receiver.id().toString(), "amount_cents", cents, "note", "rent", "repeat", "none"));
        body.putAll(more);
        return api.post(
                "/v1/scheduled-payments", payer.token(), UUID.randomUUID().toString(), body);
    }

    private JsonNode get(Api.Person payer, String id) {
        return api.get("/v1/scheduled-payments/" + id, payer.token()).json();
    }

    private List<String> occurrences(Api.Person payer, String id, String field) {
        return get(payer, id)
                .path("occurrences")
                .valueStream()
                .map(o -> o.path(field).asString())
                .toList();
    }

    private List<String> notificationKinds(Api.Person who) {
        return api.get("/v1/me/notifications", who.token())
                .json()
                .path("items")
                .valueStream()
                .map(n -> n.path("kind").asString())
                .toList();
    }

    @Test
    void aMonthlyPaymentOnThe31stRunsOnEachMonthsLastDayOnceEach() {
        Api.Person payer = api.newUser("payer");
        Api.Person landlord = api.newUser("landlord");
        api.fund(payer, 10_000);
        LocalDate start = LocalDate.of(TODAY.getYear() + 1, Month.JANUARY, 31);
        Api.Response created = schedule(
                payer,
                landlord,
                1_000,
                Map.of(
                        "repeat",
                        "monthly",
                        "start_date",
                        start.toString(),
                        "end_date",
                        start.plusMonths(2).toString()));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(created.json().path("next_date").asString()).isEqualTo(start.toString());

        runner.runAt(at(start.minusDays(1), 9));
        assertThat(notificationKinds(payer)).contains("scheduled_payment_upcoming");
        assertThat(api.balance(landlord)).as("nothing before its day").isZero();
        for (LocalDate day : List.of(start, start.plusMonths(1), start.plusMonths(2))) {
            runner.runAt(at(day, 0));
            runner.runAt(at(day, 12)); // a second pass the same day pays nothing more
        }

        assertThat(occurrences(payer, id, "date"))
                .containsExactly(
                        start.plusMonths(2).toString(), start.plusMonths(1).toString(), start.toString());
        assertThat(start.plusMonths(1).getDayOfMonth())
                .as("February's last day")
                .isLessThan(30);
        assertThat(occurrences(payer, id, "status")).containsOnly("paid");
        assertThat(get(payer, id).path("status").asString()).isEqualTo("finished");
        assertThat(api.balance(landlord)).isEqualTo(3_000);
        List<String> transfers = occurrences(payer, id, "transfer_id");
        assertThat(transfers).doesNotHaveDuplicates();
        assertThat(api.get("/v1/transfers/" + transfers.get(0), landlord.token())
                        .json()
                        .path("note")
                        .asString())
                .isEqualTo("rent");
        LedgerInvariants.assertHold(db);
    }

    @Test
    void shortOfMoneyAnOccurrenceIsRetriedOnceThatDayThenFailsAndThePayerIsTold() {
        Api.Person payer = api.newUser("payer");
        Api.Person friend = api.newUser("friend");
        LocalDate day = TODAY.plusDays(3);
        String id = schedule(payer, friend, 700, Map.of("repeat", "weekly", "start_date", day.toString()))
                .json()
                .path("id")
                .asString();

        ScheduledPaymentRunner.Report first = runner.runAt(at(day, 8));
        assertThat(first.retried()).isEqualTo(1);
        assertThat(occurrences(payer, id, "status")).containsExactly("retry");
        assertThat(runner.runAt(at(day, 9)).failed())
                .as("not before retry-after")
                .isZero();
        ScheduledPaymentRunner.Report second = runner.runAt(at(day, 12));
        assertThat(second.failed()).isEqualTo(1);
        assertThat(occurrences(payer, id, "status")).containsExactly("failed");
        assertThat(get(payer, id).path("occurrences").get(0).path("failure").asString())
                .isEqualTo("insufficient-funds");
        assertThat(notificationKinds(payer)).contains("scheduled_payment_failed");

        // the schedule goes on: next week, with money, it pays; and a retry that finds money pays too
        api.fund(payer, 1_000);
        runner.runAt(at(day.plusWeeks(1), 8));
        assertThat(occurrences(payer, id, "status")).containsExactly("paid", "failed");
        runner.runAt(at(day.plusWeeks(2), 8));
        assertThat(occurrences(payer, id, "status")).containsExactly("retry", "paid", "failed");
        api.fund(payer, 700);
        runner.runAt(at(day.plusWeeks(2), 13));
        assertThat(occurrences(payer, id, "status")).containsExactly("paid", "paid", "failed");
        assertThat(api.balance(friend)).isEqualTo(1_400);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void schedulersRunningAtOnceNeverPayAnOccurrenceTwice() throws Exception {
        Api.Person payer = api.newUser("payer");
        Api.Person friend = api.newUser("friend");
        api.fund(payer, 5_000);
        LocalDate day = TODAY.plusDays(5);
        String id = schedule(payer, friend, 900, Map.of("start_date", day.toString()))
                .json()
                .path("id")
                .asString();

        List<ScheduledPaymentRunner.Report> reports = Concurrently.run(6, i -> () -> runner.runAt(at(day, 10)));

        assertThat(reports.stream()
                        .mapToInt(ScheduledPaymentRunner.Report::paid)
                        .sum())
                .isEqualTo(1);
        assertThat(reports.stream()
                        .mapToInt(ScheduledPaymentRunner.Report::occurrencesMade)
                        .sum())
                .isEqualTo(1);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM transfers WHERE sender_id = ? AND receiver_id = ?",
                        Long.class,
                        payer.id(),
                        friend.id()))
                .isEqualTo(1);
        assertThat(api.balance(friend)).isEqualTo(900);
        assertThat(get(payer, id).path("status").asString()).isEqualTo("finished");
        LedgerInvariants.assertHold(db);
    }

    @Test
    void aCancelledScheduleNeverPaysAgain() {
        Api.Person payer = api.newUser("payer");
        Api.Person friend = api.newUser("friend");
        api.fund(payer, 5_000);
        LocalDate day = TODAY.plusDays(2);
        String id = schedule(payer, friend, 300, Map.of("repeat", "biweekly", "start_date", day.toString()))
                .json()
                .path("id")
                .asString();
        runner.runAt(at(day, 10));
        assertThat(api.balance(friend)).isEqualTo(300);
        assertThat(get(payer, id).path("next_date").asString())
                .isEqualTo(day.plusWeeks(2).toString());

        Api.Response cancelled = api.post("/v1/scheduled-payments/" + id + "/cancel", payer.token(), null, null);
        assertThat(cancelled.json().path("status").asString()).isEqualTo("cancelled");
        runner.runAt(at(day.plusWeeks(2), 10));
        assertThat(api.balance(friend)).isEqualTo(300);
        Api.Response again = api.post("/v1/scheduled-payments/" + id + "/cancel", payer.token(), null, null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.problemType()).isEqualTo(Api.PROBLEMS + "schedule-not-active");
        assertThat(api.post("/v1/scheduled-payments/" + id + "/cancel", friend.token(), null, null)
                        .status())
                .as("the receiver's it is not")
                .isEqualTo(404);
    }

    @Test
    void aBadScheduleIsRefusedClearly() {
        Api.Person payer = api.newUser("payer");
        Api.Person friend = api.newUser("friend");
        String tomorrow = TODAY.plusDays(1).toString();

        assertThat(schedule(
                                payer,
                                friend,
                                100,
                                Map.of("start_date", TODAY.minusDays(1).toString()))
                        .status())
                .as("in the past")
                .isEqualTo(400);
        assertThat(schedule(
                                payer,
                                friend,
                                100,
                                Map.of("repeat", "weekly", "start_date", tomorrow, "end_date", TODAY.toString()))
                        .status())
                .isEqualTo(400);
        assertThat(schedule(payer, friend, 100, Map.of("start_date", tomorrow, "end_date", tomorrow))
                        .status())
                .as("an end without a repeat")
                .isEqualTo(400);
        assertThat(schedule(payer, friend, 100, Map.of("repeat", "daily", "start_date", tomorrow))
                        .status())
                .isEqualTo(400);
        assertThat(schedule(payer, payer, 100, Map.of("start_date", tomorrow)).problemType())
                .isEqualTo(Api.PROBLEMS + "self-transfer");
        assertThat(api.get("/v1/scheduled-payments", payer.token())
                        .json()
                        .path("items")
                        .size())
                .isZero();
    }
}
