package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.wallet.sim.CallType;
import com.wallet.sim.CardNetwork;
import com.wallet.sim.Gate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Card funding and instant payouts call the network with no wallet lock and no database connection held: while calls
 * are held at the network's door (the simulator's gate), another connection locks every wallet involved with NOWAIT.
 */
@ApiIT
class CardFundingIT extends ApiIT.Base {

    @Autowired
    DataSource dataSource;

    /** Locks the users' wallet rows with NOWAIT on a connection of its own, then lets them go: false if any is locked. */
    private boolean lockableNow(List<Api.Person> users) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                String ids = users.stream().map(u -> "'" + u.id() + "'").collect(Collectors.joining(","));
                try (ResultSet rs = s.executeQuery(
                        "SELECT id FROM ledger_accounts WHERE user_id IN (" + ids + ") FOR UPDATE NOWAIT")) {
                    int rows = 0;
                    while (rs.next()) {
                        rows++;
                    }
                    assertThat(rows).isEqualTo(users.size());
                }
                return true;
            } catch (java.sql.SQLException e) {
                if ("55P03".equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            } finally {
                c.rollback();
            }
        }
    }

    /** Connections that sit in an open transaction waiting for their client (as one held across a call would). */
    private long openTransactions() {
        return db.queryForObject(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND state LIKE 'idle in transaction%'",
                Long.class);
    }

    @Test
    void thirtyTwoCardPayersToOneReceiverAreAllAtTheNetworkAtOnceWithNoLockHeld() throws Exception {
        Api.Person receiver = api.newUser("popular");
        List<Api.Person> payers = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            Api.Person payer = api.newUser("cardpayer");
            api.addCard(payer, Api.CARD);
            payers.add(payer);
        }
        // the charges wait at the network's door until all 32 are there: on two busy cores that can take longer than
        // the test profile's half-second card timeout, which would then fail the first ones (each payer first finds,
        // in a rolled-back transaction, that its card is needed); an instance whose card calls may wait that long
        ConfigurableApplicationContext patient = anotherInstance("--wallet.partners.card.timeout=PT30S");
        Api sender = new Api(portOf(patient), db, sim);
        Gate gate = sim.knobs().gate(CallType.CARD_CHARGE);
        gate.close();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<Api.Response>> sent = new ArrayList<>();
            for (Api.Person payer : payers) {
                sent.add(pool.submit(() -> sender.transfer(
                        payer, receiver.id(), 1_000, UUID.randomUUID().toString())));
            }
            // all 32 charges are at the network together: none waits for another's round trip
            await().atMost(Duration.ofSeconds(30)).until(() -> gate.waiting() == 32);
            List<Api.Person> everyone = new ArrayList<>(payers);
            everyone.add(receiver);
            assertThat(lockableNow(everyone))
                    .as("no wallet row is locked while the card network is being asked")
                    .isTrue();
            assertThat(openTransactions())
                    .as("no database transaction stays open across the network call")
                    .isZero();

            gate.open();
            for (Future<Api.Response> f : sent) {
                Api.Response r = f.get();
                assertThat(r.status()).as(r.raw()).isEqualTo(201);
                assertThat(r.json().path("funding").path("card_cents").asLong()).isEqualTo(1_000);
                assertThat(r.json().path("funding").path("fee_cents").asLong()).isEqualTo(30);
            }
        } finally {
            gate.open();
            pool.shutdownNow();
            patient.close();
        }
        assertThat(api.balance(receiver)).isEqualTo(32_000);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM card_charges WHERE user_id = ANY(?) AND status = 'captured'",
                        Long.class,
                        (Object) payers.stream().map(Api.Person::id).toArray(UUID[]::new)))
                .isEqualTo(32);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void anInstantPayoutHoldsTheMoneyWithNoLockHeldWhileTheNetworkAnswers() throws Exception {
        Api.Person user = api.newUser("casher");
        api.fund(user, 10_000);
        UUID card = api.addCard(user, Api.CARD);
        Gate gate = sim.knobs().gate(CallType.CARD_PAYOUT);
        gate.close();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Api.Response> cashout = pool.submit(() -> api.post(
                    "/v1/cashouts",
                    user.token(),
                    UUID.randomUUID().toString(),
                    java.util.Map.of("amount_cents", 4_000, "speed", "instant", "payment_method_id", card.toString())));
            await().atMost(Duration.ofSeconds(30)).until(() -> gate.waiting() == 1);
            var wallet = api.get("/v1/me/wallet", user.token()).json();
            assertThat(wallet.path("balance_cents").asLong()).isEqualTo(10_000);
            assertThat(wallet.path("held_cents").asLong()).isEqualTo(4_000);
            assertThat(wallet.path("available_cents").asLong()).isEqualTo(6_000);
            assertThat(lockableNow(List.of(user))).isTrue();
            assertThat(openTransactions()).isZero();

            gate.open();
            Api.Response r = cashout.get();
            assertThat(r.status()).as(r.raw()).isEqualTo(201);
        } finally {
            gate.open();
            pool.shutdownNow();
        }
        var wallet = api.get("/v1/me/wallet", user.token()).json();
        assertThat(wallet.path("balance_cents").asLong()).isEqualTo(6_000);
        assertThat(wallet.path("held_cents").asLong()).isZero();
        LedgerInvariants.assertHold(db);
    }

    @Test
    void aChargeTheTransferCannotUseIsVoided() {
        // the payer's waterfall needs the card; the receiver is frozen after the plan, so the money transaction refuses
        Api.Person payer = api.newUser("payer");
        api.addCard(payer, Api.CARD);
        Api.Person receiver = api.newUser("receiver");
        Gate gate = sim.knobs().gate(CallType.CARD_CHARGE);
        gate.close();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Api.Response> sent = pool.submit(() ->
                    api.transfer(payer, receiver.id(), 2_000, UUID.randomUUID().toString()));
            await().atMost(Duration.ofSeconds(30)).until(() -> gate.waiting() == 1);
            db.update("UPDATE users SET status = 'frozen' WHERE id = ?", receiver.id());
            gate.open();
            Api.Response r = sent.get();
            assertThat(r.status()).isEqualTo(422);
            assertThat(r.problemType()).isEqualTo(Api.PROBLEMS + "receiver-unavailable");
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            gate.open();
            pool.shutdownNow();
        }
        UUID charge = db.queryForObject("SELECT id FROM card_charges WHERE user_id = ?", UUID.class, payer.id());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> sim.card()
                                .findCharge(charge.toString())
                                .map(CardNetwork.Operation::status)
                                .orElse(null)
                        == CardNetwork.Status.VOIDED);
        assertThat(db.queryForObject("SELECT status FROM card_charges WHERE id = ?", String.class, charge))
                .isEqualTo("voided");
        assertThat(api.balance(receiver)).isZero();
        LedgerInvariants.assertHold(db);
    }
}
