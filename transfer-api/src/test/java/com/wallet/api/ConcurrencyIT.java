package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.wallet.api.transfer.TransferService;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/** Real threads, real HTTP, the real database: the assertions are the money invariants. */
@ApiIT
class ConcurrencyIT extends ApiIT.Base {

    @Autowired
    MeterRegistry meters;

    @Autowired
    DataSource dataSource;

    /**
     * The races below run twice: with group commit (payments of one sender go in one group at a time, and groups never
     * share a sender) and with every payment alone, as two API instances would send them, where only the database's
     * locks keep them apart: with the wallet lock left out, the second run fails.
     */
    @Autowired
    TransferService transfers;

    @AfterEach
    void groupAgain() {
        transfers.grouping(true);
    }

    /**
     * A credit needs no lock on the receiver's wallet: while another transaction holds that row, payments to it
     * complete (their credits are left beside the row), the receiver's balance shows them at once, and the next
     * transaction that holds the row folds them in. Fails (the payments wait for the lock) if a credit locks the row.
     */
    @Test
    void paymentsReachAWalletWhoseRowAnotherTransactionHolds() throws Exception {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol");
        api.fund(alice, 1_000);
        api.fund(bob, 200);
        long account = account(bob);

        HeldWalletRow held = HeldWalletRow.hold(dataSource, account);
        try {
            for (int i = 0; i < 3; i++) {
                Api.Response paid = CompletableFuture.supplyAsync(() -> api.transfer(
                                alice, bob.id(), 100, UUID.randomUUID().toString()))
                        .get(30, TimeUnit.SECONDS);
                assertThat(paid.status()).as(paid.raw()).isEqualTo(201);
            }
            assertThat(api.balance(bob)).isEqualTo(500);
            assertThat(credits(account)).as("credits left beside the held row").isEqualTo(3);
            assertThat(row(account)).isEqualTo(200);
            LedgerInvariants.assertHold(db);
        } finally {
            held.close();
        }

        // bob spends more than his row had before the credits: the debit folds them in first
        assertThat(api.transfer(bob, carol.id(), 450, UUID.randomUUID().toString())
                        .status())
                .isEqualTo(201);
        assertThat(credits(account)).isZero();
        assertThat(row(account)).isEqualTo(50);
        assertThat(api.balance(carol)).isEqualTo(450);
        LedgerInvariants.assertHold(db);
    }

    /**
     * The entries of several payments in one statement (the shape group commit would post, issue 16): each wallet
     * changes once by its net amount, a debit folds in the credits left beside its row first, a credit to a row
     * another transaction holds is left beside it; a line on an account that does not exist, or a debit past what a
     * wallet has, fails the whole statement and changes nothing.
     */
    @Test
    void oneStatementOfManyEntriesChangesEachWalletOnceByItsNet() throws Exception {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol");
        Api.Person dave = api.newUser("dave");
        api.fund(alice, 1_000);
        api.fund(bob, 500);
        long a = account(alice);
        long b = account(bob);
        long c = account(carol);
        long d = account(dave);
        // 100 cents reach bob while his row is held: left beside it
        try (HeldWalletRow held = HeldWalletRow.hold(dataSource, b)) {
            assertThat(CompletableFuture.supplyAsync(() -> api.transfer(
                                    alice, bob.id(), 100, UUID.randomUUID().toString()))
                            .get(30, TimeUnit.SECONDS)
                            .status())
                    .isEqualTo(201);
        }
        assertThat(credits(b)).isEqualTo(1);

        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        String post = "WITH entry AS (INSERT INTO ledger_entries (id, kind) VALUES (?, 'top_up'), (?, 'top_up'))"
                + " INSERT INTO ledger_lines (entry_id, account_id, amount_cents)"
                + " SELECT * FROM unnest(?::text[]::uuid[], ?::bigint[], ?::bigint[])";
        try (HeldWalletRow held = HeldWalletRow.hold(dataSource, d)) {
            // alice pays carol 300; bob (500 on his row, 100 beside it) pays 550: 250 to dave, 300 to carol
            db.update(
                    post,
                    first,
                    second,
                    ids(first, first, second, second, second),
                    new Long[] {a, c, b, d, c},
                    new Long[] {-300L, 300L, -550L, 250L, 300L});
        }
        assertThat(api.balance(alice)).isEqualTo(600);
        assertThat(api.balance(bob)).isEqualTo(50);
        assertThat(api.balance(carol)).isEqualTo(600);
        assertThat(api.balance(dave)).isEqualTo(250);
        assertThat(credits(b)).as("bob's debit folded his credit in").isZero();
        assertThat(row(b)).isEqualTo(50);
        assertThat(row(c)).as("carol's two lines, one change").isEqualTo(600);
        assertThat(credits(c)).isZero();
        assertThat(credits(d))
                .as("dave's row was held: his credit is beside it")
                .isEqualTo(1);
        assertThat(row(d)).isZero();
        LedgerInvariants.assertHold(db);

        UUID third = UUID.randomUUID();
        UUID fourth = UUID.randomUUID();
        assertThatThrownBy(() -> db.update(
                        post,
                        third,
                        fourth,
                        ids(third, third, fourth, fourth),
                        new Long[] {a, c, b, Long.MAX_VALUE},
                        new Long[] {-100L, 100L, -10L, 10L}))
                .hasMessageContaining("no ledger account " + Long.MAX_VALUE);
        assertThatThrownBy(() -> db.update(
                        post, third, fourth, ids(third, third, fourth, fourth), new Long[] {a, c, b, d}, new Long[] {
                            -100L, 100L, -51L, 51L
                        }))
                .as("bob has 50")
                .hasMessageContaining("check constraint");
        assertThat(List.of(api.balance(alice), api.balance(bob), api.balance(carol), api.balance(dave)))
                .containsExactly(600L, 50L, 600L, 250L);
        LedgerInvariants.assertHold(db);
    }

    private static String[] ids(UUID... entries) {
        return java.util.Arrays.stream(entries).map(UUID::toString).toArray(String[]::new);
    }

    /** The person's wallet account. */
    private long account(Api.Person person) {
        return db.queryForObject("SELECT id FROM ledger_accounts WHERE user_id = ?", Long.class, person.id());
    }

    /** How many credits wait beside the wallet's row. */
    private long credits(long account) {
        return db.queryForObject("SELECT count(*) FROM wallet_credits WHERE account_id = ?", Long.class, account);
    }

    /** The wallet's row balance, without the credits beside it. */
    private long row(long account) {
        return db.queryForObject("SELECT balance_cents FROM ledger_accounts WHERE id = ?", Long.class, account);
    }

    /**
     * A popular receiver spending while sixteen payers pay it: its debits fold in the credits left beside its row, so
     * it can spend exactly what it had plus what had arrived, never less (a refused payment it could afford) nor more.
     */
    @ParameterizedTest(name = "grouped: {0}")
    @ValueSource(booleans = {true, false})
    void aReceiverSpendingWhileManyPayItSpendsExactlyWhatReachedIt(boolean grouped) throws Exception {
        transfers.grouping(grouped);
        Api.Person hub = api.newUser("hub");
        Api.Person sink = api.newUser("sink");
        api.fund(hub, 1_000);
        List<Api.Person> payers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Api.Person payer = api.newUser("payer");
            api.fund(payer, 100);
            payers.add(payer);
        }

        List<Api.Response> responses = Concurrently.run(
                56,
                i -> () -> i < 16
                        ? api.transfer(
                                payers.get(i), hub.id(), 100, UUID.randomUUID().toString())
                        : api.transfer(hub, sink.id(), 100, UUID.randomUUID().toString()));

        assertThat(responses.subList(0, 16)).extracting(Api.Response::status).containsOnly(201);
        List<Api.Response> spent = responses.subList(16, 56);
        assertThat(spent).allSatisfy(r -> assertThat(r.status()).as(r.raw()).isIn(201, 422));
        long succeeded = spent.stream().filter(r -> r.status() == 201).count();
        assertThat(succeeded)
                .as("at least what the hub had before anyone paid it")
                .isGreaterThanOrEqualTo(10);
        assertThat(api.balance(hub)).isEqualTo(1_000 + 1_600 - 100 * succeeded);
        assertThat(api.balance(sink)).isEqualTo(100 * succeeded);
        // once nothing is in flight, one more spend takes everything that reached the hub
        long left = api.balance(hub);
        if (left > 0) {
            assertThat(api.transfer(hub, sink.id(), left, UUID.randomUUID().toString())
                            .status())
                    .isEqualTo(201);
        }
        assertThat(api.balance(hub)).isZero();
        assertThat(api.balance(sink)).isEqualTo(2_600);
        LedgerInvariants.assertHold(db);
    }

    @ParameterizedTest(name = "grouped: {0}")
    @ValueSource(booleans = {true, false})
    void sixtyThreadsSpendingOneBalanceSucceedExactlyAsOftenAsItAffords(boolean grouped) throws Exception {
        transfers.grouping(grouped);
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

    @ParameterizedTest(name = "grouped: {0}")
    @ValueSource(booleans = {true, false})
    void crossingTransfersNeverDeadlockAndConserveMoney(boolean grouped) throws Exception {
        transfers.grouping(grouped);
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
    @ParameterizedTest(name = "grouped: {0}")
    @ValueSource(booleans = {true, false})
    void concurrentTransfersOfOneSenderNeverPassTheDailyLimitTogether(boolean grouped) throws Exception {
        transfers.grouping(grouped);
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

    @ParameterizedTest(name = "grouped: {0}")
    @ValueSource(booleans = {true, false})
    void twentyCopiesOfOneRequestMoveMoneyOnceAndAllGetTheSameAnswer(boolean grouped) throws Exception {
        transfers.grouping(grouped);
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
