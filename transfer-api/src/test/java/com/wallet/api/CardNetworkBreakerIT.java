package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.wallet.sim.CallType;
import com.wallet.sim.CardNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The card network stops answering. The test profile's breaker: a window of 4 calls, opens at 50% failures, stays open
 * 2 s, then lets 2 calls through; each call times out after 0.5 s and is tried twice.
 */
@ApiIT
class CardNetworkBreakerIT extends ApiIT.Base {

    private static final Duration NETWORK_TIMEOUT = Duration.ofMillis(500);

    @AfterEach
    void networkBackToNormal() {
        sim.knobs().reset();
    }

    private double breakerState() {
        Matcher m = Pattern.compile("venmo_circuit_breaker_state\\{service=\"card_network\"} ([0-9.]+)")
                .matcher(api.get("/actuator/prometheus", null).raw());
        assertThat(m.find()).as("the breaker gauge is exported").isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void theBreakerOpensFailsFastHalfOpensAndClosesAndNoFailedCallMovesMoney() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.addCard(alice, Api.CARD);
        assertThat(breakerState()).isZero();
        sim.knobs().hang(Duration.ofSeconds(3));
        sim.knobs()
                .set(CallType.CARD_CHARGE, sim.knobs().get(CallType.CARD_CHARGE).withTimeout(true));

        // the network takes each charge but never answers in time: 2 transfers (2 attempts each) fill the window
        for (int i = 0; i < 2; i++) {
            long started = System.nanoTime();
            Api.Response r =
                    api.transfer(alice, bob.id(), 1_000, UUID.randomUUID().toString());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.problemType()).isEqualTo(Api.PROBLEMS + "partner-unavailable");
            assertThat(r.header("Retry-After")).isEqualTo("2");
            // it waited for the network (the second transfer's retry may already meet the open breaker)
            assertThat(took).isGreaterThanOrEqualTo(NETWORK_TIMEOUT);
        }
        assertThat(breakerState()).as("open").isEqualTo(2.0);

        // open: refused without calling the network, far below one network timeout
        long callsBefore = sim.knobs().calls(CallType.CARD_CHARGE);
        List<Duration> fast = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long started = System.nanoTime();
            Api.Response r =
                    api.transfer(alice, bob.id(), 1_000, UUID.randomUUID().toString());
            fast.add(Duration.ofNanos(System.nanoTime() - started));
            assertThat(r.status()).isEqualTo(503);
        }
        assertThat(sim.knobs().calls(CallType.CARD_CHARGE)).isEqualTo(callsBefore);
        System.out.printf("breaker open: refusals took %s (network timeout %s)%n", fast, NETWORK_TIMEOUT);
        assertThat(fast).allSatisfy(d -> assertThat(d).isLessThan(NETWORK_TIMEOUT));

        // the network recovers; after 2 s the breaker lets trial calls through and closes on their success
        sim.knobs().reset();
        await().atMost(Duration.ofSeconds(10)).until(() -> breakerState() == 1.0);
        for (int i = 0; i < 2; i++) {
            assertThat(api.transfer(alice, bob.id(), 100, UUID.randomUUID().toString())
                            .status())
                    .isEqualTo(201);
        }
        assertThat(breakerState()).as("closed").isZero();

        // no money moved by any failed call: bob got only the two successful transfers, and every charge the
        // network took for a failed transfer is voided there
        assertThat(api.balance(bob)).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<String> notCaptured = db.queryForList(
                    "SELECT id::text FROM card_charges WHERE user_id = ? AND status <> 'captured'",
                    String.class,
                    alice.id());
            assertThat(notCaptured).hasSize(2);
            for (String id : notCaptured) {
                assertThat(sim.card().findCharge(id))
                        .map(CardNetwork.Operation::status)
                        .contains(CardNetwork.Status.VOIDED);
            }
            assertThat(db.queryForList(
                            "SELECT status FROM card_charges WHERE user_id = ? AND status <> 'captured'",
                            String.class,
                            alice.id()))
                    .containsOnly("voided");
        });
        LedgerInvariants.assertHold(db);
    }
}
