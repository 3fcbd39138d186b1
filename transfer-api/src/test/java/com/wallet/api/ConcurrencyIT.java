package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Real threads, real HTTP, the real database: the assertions are the money invariants. */
@ApiIT
class ConcurrencyIT extends ApiIT.Base {

    @Autowired
    MeterRegistry meters;

    @Test
    void sixtyThreadsSpendingOneBalanceSucceedExactlyAsOftenAsItAffords() throws Exception {
        Api.Person spender = api.newUser("spender");
        api.fund(spender, 1_000);
        List<Api.Person> receivers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            receivers.add(api.newUser("receiver"));
        }

        List<Api.Response> responses = Concurrently.run(
                60,
                i -> () -> api.transfer(
                        spender,
                        receivers.get(i % receivers.size()).id(),
                        100,
                        UUID.randomUUID().toString()));

        Map<Integer, Long> byStatus =
                responses.stream().collect(Collectors.groupingBy(Api.Response::status, Collectors.counting()));
        assertThat(byStatus).containsOnlyKeys(201, 422);
        assertThat(byStatus.get(201)).as("transfers the balance affords").isEqualTo(10);
        assertThat(responses.stream().filter(r -> r.status() == 422))
                .allMatch(r -> r.problemType().equals(Api.PROBLEMS + "insufficient-funds"));
        assertThat(api.balance(spender)).isZero();
        assertThat(receivers.stream().mapToLong(api::balance).sum()).isEqualTo(1_000);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void crossingTransfersNeverDeadlockAndConserveMoney() throws Exception {
        Api.Person a = api.newUser("a");
        Api.Person b = api.newUser("b");
        api.fund(a, 10_000);
        api.fund(b, 10_000);
        double deadlocksBefore = retries("40P01");

        List<Api.Response> responses = Concurrently.run(80, i -> () -> {
            Api.Person from = i % 2 == 0 ? a : b;
            Api.Person to = i % 2 == 0 ? b : a;
            return api.transfer(
                    from,
                    to.id(),
                    ThreadLocalRandom.current().nextLong(1, 50),
                    UUID.randomUUID().toString());
        });

        assertThat(responses).extracting(Api.Response::status).containsOnly(201);
        assertThat(api.balance(a) + api.balance(b)).isEqualTo(20_000);
        assertThat(retries("40P01") - deadlocksBefore)
                .as("deadlocks PostgreSQL detected (hidden from clients by a retry)")
                .isZero();
        LedgerInvariants.assertHold(db);
    }

    /**
     * The limits are read in the same round trip as the wallet locks, by a statement that runs once the locks are
     * granted: it must see every transfer of the sender committed before that, or concurrent transfers would each
     * pass the limit on the same old sum.
     */
    @Test
    void concurrentTransfersOfOneSenderNeverPassTheDailyLimitTogether() throws Exception {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        for (int i = 0; i < 3; i++) {
            api.fund(alice, 500_000); // 1,500,000 in all: enough for five of the transfers below
        }

        // the daily limit is 1,000,000: three of 300,000 fit, a fourth would not
        List<Api.Response> responses = Concurrently.run(
                16,
                i -> () ->
                        api.transfer(alice, bob.id(), 300_000, UUID.randomUUID().toString()));

        assertThat(responses.stream().filter(r -> r.status() == 201)).hasSize(3);
        assertThat(responses.stream().filter(r -> r.status() != 201))
                .hasSize(13)
                .allSatisfy(r -> assertThat(r.problemType()).isEqualTo(Api.PROBLEMS + "limit-exceeded"));
        assertThat(api.balance(alice)).isEqualTo(600_000);
        assertThat(api.balance(bob)).isEqualTo(900_000);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void twentyCopiesOfOneRequestMoveMoneyOnceAndAllGetTheSameAnswer() throws Exception {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 5_000);
        String key = "pay-bob-" + UUID.randomUUID();

        List<Api.Response> responses = Concurrently.run(20, i -> () -> api.transfer(alice, bob.id(), 700, key));

        assertThat(responses).extracting(Api.Response::status).containsOnly(201);
        assertThat(responses)
                .extracting(Api.Response::raw)
                .containsOnly(responses.get(0).raw());
        assertThat(responses.stream().filter(r -> r.header("Idempotent-Replayed") == null))
                .as("the one response that really ran")
                .hasSize(1);
        assertThat(db.queryForObject("SELECT count(*) FROM transfers WHERE sender_id = ?", Long.class, alice.id()))
                .isEqualTo(1);
        assertThat(api.balance(alice)).isEqualTo(4_300);
        assertThat(api.balance(bob)).isEqualTo(700);
        LedgerInvariants.assertHold(db);
    }

    private double retries(String sqlState) {
        var counter = meters.find("venmo.db.retries").tag("sqlstate", sqlState).counter();
        return counter == null ? 0 : counter.count();
    }
}
