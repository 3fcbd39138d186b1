package com.wallet.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PartnerSimulatorTest {

    private static final HttpClient http = HttpClient.newHttpClient();
    private static PartnerSimulator sim;

    @BeforeAll
    static void start() {
        sim = PartnerSimulator.start(0);
        sim.knobs().hang(Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() throws Exception {
        assertThat(send("POST", "/control/reset", "").statusCode()).isEqualTo(200);
    }

    @Test
    void aChargeIsIdempotentByItsId() throws Exception {
        String charge = "{\"id\":\"ch-1\",\"card_number\":\"4242424242424242\",\"amount_cents\":1234}";
        HttpResponse<String> first = send("POST", "/card/charges", charge);
        HttpResponse<String> again = send("POST", "/card/charges", charge);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body()).contains("\"last4\":\"4242\"", "\"status\":\"CAPTURED\"");
        assertThat(first.body()).doesNotContain("4242424242424242");
        HttpResponse<String> other = send(
                "POST", "/card/charges", "{\"id\":\"ch-1\",\"card_number\":\"4242424242424242\",\"amount_cents\":1}");
        assertThat(other.statusCode()).isEqualTo(409);
    }

    @Test
    void cardsEndingIn0002AreDeclined() throws Exception {
        HttpResponse<String> declined = send(
                "POST", "/card/charges", "{\"id\":\"ch-2\",\"card_number\":\"4000000000000002\",\"amount_cents\":100}");
        assertThat(declined.statusCode()).isEqualTo(402);
        assertThat(declined.body()).contains("card_declined");
    }

    @Test
    void aVoidBeforeTheChargeArrivesRefusesTheLateCharge() throws Exception {
        assertThat(send("POST", "/card/charges/ch-3/void", "").statusCode()).isEqualTo(200);
        HttpResponse<String> late = send(
                "POST", "/card/charges", "{\"id\":\"ch-3\",\"card_number\":\"4242424242424242\",\"amount_cents\":100}");
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(late.body()).contains("charge_voided");
    }

    @Test
    void anOutageRefusesWithoutProcessing() throws Exception {
        send("PUT", "/control/knobs/card-payout", "{\"outage\":true}");
        HttpResponse<String> refused = send(
                "POST", "/card/payouts", "{\"id\":\"po-1\",\"card_number\":\"4242424242424242\",\"amount_cents\":100}");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(sim.card().findPayout("po-1")).isEmpty();
        assertThat(send("GET", "/control", "").body()).contains("\"card-payout\":{\"latency_ms\":0");
    }

    @Test
    void theTimeoutKnobProcessesTheCallButAnswersTooLate() throws Exception {
        send("PUT", "/control/knobs/card-charge", "{\"timeout\":true}");
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/card/charges"))
                .timeout(Duration.ofMillis(300))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"id\":\"ch-4\",\"card_number\":\"4242424242424242\",\"amount_cents\":100}"))
                .build();
        assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(sim.card().findCharge("ch-4"))
                .map(CardNetwork.Operation::status)
                .contains(CardNetwork.Status.CAPTURED);
    }

    @Test
    void achFilesAreAcceptedOnceAndConfiguredAccountsAreReturned() throws Exception {
        send("PUT", "/control/ach/return-rules", "{\"000123456789\":\"R01\"}");
        String file = String.join(
                "\n",
                pad("101 091000019 1234567890" + "2611240000A094101"),
                batch("261125"),
                entry(27, "09100001", "000123456789", 2500, "091000010000001"),
                entry(22, "09100001", "000999999999", 700, "091000010000002"),
                pad("9"));
        HttpRequest upload = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/ach/files"))
                .header("X-File-Id", "file-1")
                .POST(HttpRequest.BodyPublishers.ofString(file))
                .build();
        HttpResponse<String> ack = http.send(upload, HttpResponse.BodyHandlers.ofString());
        assertThat(ack.statusCode()).isEqualTo(202);
        assertThat(ack.body())
                .contains("\"entry_count\":2", "\"total_debit_cents\":2500", "\"total_credit_cents\":700")
                .contains("\"duplicate\":false");
        HttpResponse<String> resubmitted = http.send(upload, HttpResponse.BodyHandlers.ofString());
        assertThat(resubmitted.body()).contains("\"duplicate\":true");

        String returns = send("GET", "/ach/returns?after=0", "").body();
        assertThat(returns)
                .contains("\"trace_number\":\"091000010000001\"", "\"return_code\":\"R01\"")
                .doesNotContain("091000010000002");
        assertThat(sim.ach().returnsAfter(0)).hasSize(1);
    }

    @Test
    void withADataDirectoryARestartLosesNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String file = String.join(
                "\n",
                pad("101 091000019 1234567890" + "2611240000A094101"),
                batch("261125"),
                entry(27, "09100001", "000555555555", 1200, "091000010000001"),
                pad("9"));
        try (PartnerSimulator first = PartnerSimulator.start(0, dir)) {
            first.card().charge("ch-1", "4242424242424242", 500);
            first.card().voidCharge("ch-2");
            first.card().payout("po-1", "4242424242424242", 300);
            first.card().cancelPayout("po-2");
            first.ach().returnEntriesTo("000555555555", "R03");
            first.ach().submit("file-9", file);
            first.ach().sendMicroDeposits("091000019", "000777777777");
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                        java.nio.file.Files.getPosixFilePermissions(dir.resolve("state.jsonl"))))
                .isEqualTo("rw-------");
        try (PartnerSimulator again = PartnerSimulator.start(0, dir)) {
            assertThat(again.card().findCharge("ch-1"))
                    .map(CardNetwork.Operation::status)
                    .contains(CardNetwork.Status.CAPTURED);
            assertThat(again.card().findCharge("ch-2"))
                    .map(CardNetwork.Operation::status)
                    .contains(CardNetwork.Status.VOIDED);
            assertThat(again.card().findPayout("po-1"))
                    .map(CardNetwork.Operation::amountCents)
                    .contains(300L);
            assertThat(again.card().findPayout("po-2"))
                    .map(CardNetwork.Operation::status)
                    .contains(CardNetwork.Status.CANCELLED);
            assertThat(again.ach().file("file-9"))
                    .hasValueSatisfying(a -> assertThat(a.entryCount()).isEqualTo(1));
            assertThat(again.ach().submit("file-9", file).duplicate())
                    .as("recognised after the restart")
                    .isTrue();
            assertThat(again.ach().returnsAfter(0))
                    .extracting(AchProcessor.Return::returnCode)
                    .containsExactly("R03");
            assertThat(again.ach().statement("091000019", "000777777777")).hasSize(1);
            // the return rule is kept too: the next file to that account is returned again
            again.ach().submit("file-10", file.replace("091000010000001", "091000010000002"));
            assertThat(again.ach().returnsAfter(1))
                    .extracting(AchProcessor.Return::fileId)
                    .containsExactly("file-10");
        }
    }

    @Test
    void cardOperationsFromAJournalThatDidNotDateThemSettleTheDayTheyAreReadBack(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // as the simulator wrote them before operations carried their day
        java.nio.file.Files.writeString(
                dir.resolve("state.jsonl"),
                String.join(
                        "\n",
                        "{\"value\":{\"id\":\"old-1\",\"last4\":\"4242\",\"amount_cents\":1288,\"status\":\"CAPTURED\"},"
                                + "\"type\":\"charge\"}",
                        "{\"value\":{\"id\":\"old-2\",\"last4\":\"4242\",\"amount_cents\":500,\"status\":\"VOIDED\"},"
                                + "\"type\":\"charge\"}",
                        "{\"value\":{\"id\":\"old-3\",\"last4\":\"4242\",\"amount_cents\":300,\"status\":\"PAID\"},"
                                + "\"type\":\"payout\"}",
                        ""));
        try (PartnerSimulator restored = PartnerSimulator.start(0, dir)) {
            var report = restored.card().settlement(java.time.LocalDate.now(java.time.ZoneOffset.UTC));
            assertThat(report.items())
                    .extracting(i -> i.type() + ":" + i.id())
                    .as("the voided one settles as neither a capture nor a void")
                    .containsExactly("capture:old-1", "payout:old-3");
            assertThat(report.capturedCents()).isEqualTo(1288);
            assertThat(report.voidedCents()).isZero();
        }
    }

    @Test
    void aChargebackTakesTheWholeChargeBackInTheSettlementOfItsDayOnce() throws Exception {
        java.time.LocalDate day = java.time.LocalDate.of(2027, 2, 1);
        java.time.LocalDate later = day.plusDays(3);
        try {
            sim.card().clock(fixedAt(day));
            sim.card().charge("cb-1", "4242424242424242", 2_060);
            sim.card().charge("cb-2", "4242424242424242", 700);
            sim.card().voidCharge("cb-2");
            sim.card().clock(fixedAt(later));
            HttpResponse<String> raised =
                    send("POST", "/control/card/chargebacks", "{\"charge_id\":\"cb-1\",\"reason_code\":\"10.4\"}");
            assertThat(raised.statusCode()).isEqualTo(201);
            assertThat(raised.body()).contains("\"amount_cents\":2060", "\"reason_code\":\"10.4\"");
            // raised again (another reason): the first one stands, once
            assertThat(send("POST", "/control/card/chargebacks", "{\"charge_id\":\"cb-1\",\"reason_code\":\"13.1\"}")
                            .body())
                    .contains("\"reason_code\":\"10.4\"");
            assertThat(send("POST", "/control/card/chargebacks", "{\"charge_id\":\"cb-2\",\"reason_code\":\"10.4\"}")
                            .statusCode())
                    .as("a voided charge")
                    .isEqualTo(409);
            assertThat(send("POST", "/control/card/chargebacks", "{\"charge_id\":\"cb-9\",\"reason_code\":\"10.4\"}")
                            .statusCode())
                    .as("a charge never made")
                    .isEqualTo(404);
            assertThat(send("POST", "/control/card/chargebacks", "{\"charge_id\":\"cb-1\",\"reason_code\":\"fraud\"}")
                            .statusCode())
                    .isEqualTo(400);
        } finally {
            sim.card().clock(java.time.Clock.systemUTC());
        }
        // the capture settled on its day; the chargeback on its own, the whole charge and the network's $15 taken back
        assertThat(sim.card().settlement(day).items())
                .extracting(i -> i.type() + ":" + i.id())
                .contains("capture:cb-1")
                .doesNotContain("chargeback:cb-1");
        var report = sim.card().settlement(later);
        assertThat(report.items())
                .filteredOn(i -> i.id().startsWith("cb-"))
                .containsExactly(new CardNetwork.SettlementItem(
                        "cb-1", "chargeback", 2_060, CardNetwork.CHARGEBACK_FEE_CENTS, "10.4"));
        assertThat(report.chargedBackCents()).isEqualTo(2_060);
        assertThat(report.netCents())
                .isEqualTo(report.capturedCents()
                        - report.voidedCents()
                        - report.paidOutCents()
                        - report.chargedBackCents()
                        - report.feesCents());

        // contested and won: paid back on the day of the reversal, once, the fee kept
        java.time.LocalDate won = later.plusDays(10);
        try {
            sim.card().clock(fixedAt(won));
            assertThat(send("POST", "/control/card/chargebacks/cb-1/reversal", "")
                            .statusCode())
                    .isEqualTo(200);
            assertThat(send("POST", "/control/card/chargebacks/cb-1/reversal", "")
                            .body())
                    .contains("\"reversed_on\":\"" + won + "\"");
            assertThat(send("POST", "/control/card/chargebacks/cb-2/reversal", "")
                            .statusCode())
                    .isEqualTo(404);
        } finally {
            sim.card().clock(java.time.Clock.systemUTC());
        }
        var paidBack = sim.card().settlement(won);
        assertThat(paidBack.items())
                .filteredOn(i -> i.id().startsWith("cb-"))
                .containsExactly(new CardNetwork.SettlementItem("cb-1", "chargeback_reversal", 2_060, 0, "10.4"));
        assertThat(paidBack.chargedBackCents()).isEqualTo(-2_060);
        assertThat(sim.card().settlement(later).chargedBackCents()).isEqualTo(2_060);
    }

    @Test
    void aChargebackIsKeptAcrossARestart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (PartnerSimulator first = PartnerSimulator.start(0, dir)) {
            first.card().charge("kept-1", "4242424242424242", 900);
            first.card().chargeback("kept-1", "13.1");
        }
        try (PartnerSimulator again = PartnerSimulator.start(0, dir)) {
            assertThat(again.card()
                            .settlement(java.time.LocalDate.now(java.time.ZoneOffset.UTC))
                            .items())
                    .contains(new CardNetwork.SettlementItem(
                            "kept-1", "chargeback", 900, CardNetwork.CHARGEBACK_FEE_CENTS, "13.1"));
        }
    }

    private static java.time.Clock fixedAt(java.time.LocalDate day) {
        return java.time.Clock.fixed(day.atStartOfDay(java.time.ZoneOffset.UTC).toInstant(), java.time.ZoneOffset.UTC);
    }

    @Test
    void aFileWithAShortRecordIsRejected() throws Exception {
        HttpRequest upload = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/ach/files"))
                .header("X-File-Id", "file-bad")
                .POST(HttpRequest.BodyPublishers.ofString(pad("1") + "\n6short\n" + pad("9")))
                .build();
        HttpResponse<String> rejected = http.send(upload, HttpResponse.BodyHandlers.ofString());
        assertThat(rejected.statusCode()).isEqualTo(400);
        assertThat(rejected.body()).contains("record 2 has 6 characters, not 94");
    }

    @Test
    void microDepositsShowOnTheAccountsStatement() throws Exception {
        HttpResponse<String> sent = send(
                "POST", "/ach/micro-deposits", "{\"routing_number\":\"091000019\",\"account_number\":\"55554444\"}");
        assertThat(sent.statusCode()).isEqualTo(201);
        AchProcessor.MicroDeposit deposit =
                sim.ach().statement("091000019", "55554444").get(0);
        assertThat(deposit.amountsCents())
                .hasSize(2)
                .allSatisfy(a -> assertThat(a).isBetween(1L, 99L));
        assertThat(send("GET", "/ach/statement?routing_number=091000019&account_number=55554444", "")
                        .body())
                .contains("\"amounts_cents\":[" + deposit.amountsCents().get(0) + ","
                        + deposit.amountsCents().get(1) + "]");
    }

    /** A batch header whose effective entry date is {@code yymmdd}. */
    private static String batch(String yymmdd) {
        return pad("5225" + String.format("%-16s", "WALLET INC") + " ".repeat(20) + "1234567890WEBFUNDING   " + "261124"
                + yymmdd + "   109100001" + "0000001");
    }

    @Test
    void aReturnRuleWithBankingDaysComesBackOnThatDayAndWaitsForNoneBehindIt(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String file = String.join(
                "\n",
                pad("101 091000019 1234567890" + "2611240000A094101"),
                batch("261125"),
                entry(27, "09100001", "000111111111", 100, "091000010000001"),
                entry(27, "09100001", "000222222222", 200, "091000010000002"),
                pad("9"));
        try (PartnerSimulator first = PartnerSimulator.start(0, dir)) {
            // effective Wednesday November 25: two banking days later is Monday the 30th (Thanksgiving skipped)
            first.ach().returnEntriesTo("000111111111", "R01", 2);
            first.ach().returnEntriesTo("000222222222", "R03");
            first.ach().submit("file-d", file);
            assertThat(first.ach().returnsAfter(0, java.time.LocalDate.of(2026, 11, 27)))
                    .as("the one due later does not hold back the other")
                    .extracting(AchProcessor.Return::returnCode)
                    .containsExactly("R03");
        }
        try (PartnerSimulator again = PartnerSimulator.start(0, dir)) {
            assertThat(again.ach().returnsAfter(1, java.time.LocalDate.of(2026, 11, 27)))
                    .isEmpty();
            assertThat(again.ach().returnsAfter(1, java.time.LocalDate.of(2026, 11, 30)))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.sequence()).isEqualTo(2);
                        assertThat(r.returnCode()).isEqualTo("R01");
                        assertThat(r.returnDate()).isEqualTo(java.time.LocalDate.of(2026, 11, 30));
                    });
        }
        try (PartnerSimulator third = PartnerSimulator.start(0, dir)) {
            assertThat(third.ach().returnsAfter(0, java.time.LocalDate.of(2026, 11, 27)))
                    .as("its number kept across restarts")
                    .extracting(AchProcessor.Return::sequence)
                    .containsExactly(1L, 2L);
        }
    }

    @Test
    void changeRulesBringNoticesAndTheCardNetworkReportsItsDay() throws Exception {
        send(
                "PUT",
                "/control/ach/change-rules",
                "{\"000333333333\":{\"code\":\"C01\",\"corrected\":\"000444444444\"}}");
        sim.ach()
                .submit(
                        "file-c",
                        String.join(
                                "\n",
                                pad("101 091000019 1234567890" + "2611240000A094101"),
                                batch("261125"),
                                entry(27, "09100001", "000333333333", 100, "091000010000077"),
                                pad("9")));
        assertThat(send("GET", "/ach/changes?after=0", "").body())
                .contains("\"change_code\":\"C01\"", "\"corrected_data\":\"000444444444\"", "\"file_id\":\"file-c\"");
        assertThat(send("PUT", "/control/ach/change-rules", "{\"1\":{\"code\":\"X1\",\"corrected\":\"2\"}}")
                        .statusCode())
                .isEqualTo(400);

        java.time.LocalDate day = java.time.LocalDate.of(2027, 1, 5);
        sim.card()
                .clock(java.time.Clock.fixed(
                        day.atStartOfDay(java.time.ZoneOffset.UTC).toInstant(), java.time.ZoneOffset.UTC));
        try {
            sim.card().charge("st-1", "4242424242424242", 10_000);
            sim.card().charge("st-2", "4242424242424242", 500);
            sim.card().voidCharge("st-2"); // the same day: never settles
            sim.card().payout("st-3", "4242424242424242", 2_000);
        } finally {
            sim.card().clock(java.time.Clock.systemUTC());
        }
        String report = send("GET", "/card/settlement?date=2027-01-05", "").body();
        // 10,000 captured, fee 150 + 10; 2,000 paid out, fee 25: net 10,000 - 2,000 - 185
        assertThat(report)
                .contains("\"captured_cents\":10000", "\"paid_out_cents\":2000", "\"fees_cents\":185")
                .contains("\"net_cents\":7815", "st-1", "st-3")
                .doesNotContain("st-2");
        assertThat(send("GET", "/card/settlement?date=tomorrow", "").statusCode())
                .isEqualTo(400);
    }

    private static String entry(int code, String rdfi, String account, long cents, String trace) {
        return pad("6" + code + rdfi + "9" + String.format("%-17s", account) + String.format("%010d", cents)
                + String.format("%-15s", "ID") + String.format("%-22s", "NAME") + "  0" + trace);
    }

    private static String pad(String record) {
        return String.format("%-94s", record);
    }

    private static HttpResponse<String> send(String method, String path, String body)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
