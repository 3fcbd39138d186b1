package com.wallet.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.wallet.ledger.LedgerInvariants;
import com.wallet.run.Pipeline.Person;
import com.wallet.sim.CallType;
import com.wallet.sim.CardNetwork;
import com.wallet.sim.Gate;
import com.wallet.sim.PartnerSimulator;
import com.wallet.stack.PostgresSettings;
import com.wallet.stack.Stack;
import com.wallet.stack.StackExtension;
import com.wallet.stack.internal.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Year;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * kill -9 of transfer-api while the card network holds its call, between the card authorization and the money
 * transaction, and between an instant cashout's hold and the network's payout: after a restart the sweep leaves the
 * charge voided at the network, the payout cancelled there, and no money moved.
 */
@ExtendWith(StackExtension.class)
class CrashRecoveryIT {

    private final Stack stack;
    private final JdbcTemplate db;

    CrashRecoveryIT(Stack stack) {
        this.stack = stack;
        PostgresSettings pg = stack.postgres();
        this.db = new JdbcTemplate(new DriverManagerDataSource(pg.jdbcUrl(), pg.username(), pg.password()));
    }

    /** One transfer-api process, with a sweep that resolves anything older than 3 seconds. */
    private record Api(Process process, ApiClient client) {}

    private Api start(PartnerSimulator sim, String id, Path logs, int run) throws Exception {
        int port = Ports.free();
        List<String> args = new ArrayList<>(Pipeline.apiArguments(stack, sim.baseUrl(), id, port));
        args.add("--wallet.partners.sweep.interval=PT1S");
        args.add("--wallet.partners.sweep.resolve-after=PT3S");
        args.add("--wallet.notifications.enabled=false");
        Process process = Services.launchJvm(
                logs.resolve("transfer-api-" + run + ".log"), List.of(), "com.wallet.api.TransferApiApplication", args);
        String base = "http://localhost:" + port;
        Services.awaitHealthy(base + "/actuator/health", List.of(process), logs);
        return new Api(process, new ApiClient(base));
    }

    private static void kill9(Process process) throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Linux and macOS
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private long balance(Person user) {
        return db.queryForObject("SELECT balance_cents FROM wallet_balances WHERE user_id = ?", Long.class, user.id());
    }

    private static String card(ApiClient client, Person user, String number) {
        return client.call(
                        "POST",
                        "/v1/me/payment-methods",
                        user,
                        null,
                        Map.of(
                                "type",
                                "card",
                                "card_number",
                                number,
                                "exp_month",
                                12,
                                "exp_year",
                                Year.now().getValue() + 3))
                .path("id")
                .asString();
    }

    @Test
    void aKilledApiLeavesNoChargeAndNoPayoutBehind() throws Exception {
        String id = "crash" + Long.toString(System.nanoTime(), 36);
        Path logs = Files.createTempDirectory("crash-" + id);
        try (PartnerSimulator sim = PartnerSimulator.start(0)) {
            Api first = start(sim, id, logs, 1);
            Person payer = first.client().signUp("payer");
            Person receiver = first.client().signUp("receiver");
            card(first.client(), payer, "4242424242424242");
            // receiver gets settled card money to cash out later
            Person funder = first.client().signUp("funder");
            card(first.client(), funder, "5555555555554444");
            first.client()
                    .call(
                            "POST",
                            "/v1/transfers",
                            funder,
                            UUID.randomUUID().toString(),
                            Map.of("receiver_id", receiver.id().toString(), "amount_cents", 5_000, "note", "seed"));
            String receiverCard = card(first.client(), receiver, "4000056655665556");

            // 1. killed while the card network holds the charge; the network then takes it
            Gate charges = sim.knobs().gate(CallType.CARD_CHARGE);
            charges.close();
            CompletableFuture<Void> lost = CompletableFuture.runAsync(() -> first.client()
                    .call(
                            "POST",
                            "/v1/transfers",
                            payer,
                            UUID.randomUUID().toString(),
                            Map.of("receiver_id", receiver.id().toString(), "amount_cents", 2_000, "note", "lost")));
            await().atMost(Duration.ofSeconds(30)).until(() -> charges.waiting() == 1);
            UUID charge = db.queryForObject("SELECT id FROM card_charges WHERE user_id = ?", UUID.class, payer.id());

            // 2. before killing: an instant cashout whose payout is held at the network too
            Gate payouts = sim.knobs().gate(CallType.CARD_PAYOUT);
            payouts.close();
            CompletableFuture<Void> lostCashout = CompletableFuture.runAsync(() -> first.client()
                    .call(
                            "POST",
                            "/v1/cashouts",
                            receiver,
                            UUID.randomUUID().toString(),
                            Map.of("amount_cents", 3_000, "speed", "instant", "payment_method_id", receiverCard)));
            await().atMost(Duration.ofSeconds(30)).until(() -> payouts.waiting() == 1);
            UUID cashout = db.queryForObject("SELECT id FROM cashouts WHERE user_id = ?", UUID.class, receiver.id());
            assertThat(db.queryForObject(
                            "SELECT held_cents FROM ledger_accounts WHERE user_id = ?", Long.class, receiver.id()))
                    .isEqualTo(3_000);

            kill9(first.process());
            charges.open(); // the network charges the card; nobody hears about it
            payouts.drop(); // the payout never reaches the network
            assertThat(lost).failsWithin(Duration.ofSeconds(30));
            assertThat(lostCashout).failsWithin(Duration.ofSeconds(30));
            // the held call goes on in the simulator's own thread once the gate opens
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> sim.card().findCharge(charge.toString()).isPresent());
            assertThat(sim.card().findCharge(charge.toString()).orElseThrow().status())
                    .isEqualTo(CardNetwork.Status.CAPTURED);

            Api second = start(sim, id, logs, 2);
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> "voided"
                                .equals(db.queryForObject(
                                        "SELECT status FROM card_charges WHERE id = ?", String.class, charge)));
                assertThat(sim.card()
                                .findCharge(charge.toString())
                                .orElseThrow()
                                .status())
                        .as("the charge ends voided at the network")
                        .isEqualTo(CardNetwork.Status.VOIDED);
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> "failed"
                                .equals(db.queryForObject(
                                        "SELECT status FROM cashouts WHERE id = ?", String.class, cashout)));
                assertThat(sim.card()
                                .findPayout(cashout.toString())
                                .orElseThrow()
                                .status())
                        .as("the payout id is cancelled at the network: it can never be paid late")
                        .isEqualTo(CardNetwork.Status.CANCELLED);
                assertThat(db.queryForObject(
                                "SELECT count(*) FROM transfers WHERE sender_id = ?", Long.class, payer.id()))
                        .isZero();
                assertThat(balance(payer)).isZero();
                assertThat(balance(receiver)).as("no money moved").isEqualTo(5_000);
                assertThat(db.queryForObject(
                                "SELECT held_cents FROM ledger_accounts WHERE user_id = ?", Long.class, receiver.id()))
                        .isZero();
                assertThat(new LedgerInvariants(JdbcClient.create(db)).check()).isEmpty();
            } finally {
                second.process().destroy();
                second.process().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
