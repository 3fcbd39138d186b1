package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Group commit (issue 16): payments arriving while a group is posted go together in the next one, and each keeps its
 * own outcome, idempotency key, audit row and error. Every group slot is taken by a payment held on a wallet lock
 * (another transaction holds its sender's row), so the ones after them queue deterministically.
 */
@ApiIT
class GroupCommitIT extends ApiIT.Base {

    @Autowired
    MeterRegistry meters;

    @Autowired
    DataSource dataSource;

    @Autowired
    com.wallet.api.transfer.TransferSettings settings;

    @Test
    void paymentsQueuedTogetherArePostedAsOneGroupEachWithItsOwnOutcome() throws Exception {
        // every group slot taken by a payment waiting for its sender's wallet row, which another transaction holds
        int slots = settings.groupMaxRunning();
        List<Api.Person> blockers = blockers();
        Api.Person receiver = api.newUser("receiver");
        Api.Person paying = api.newUser("paying");
        Api.Person replaying = api.newUser("replaying");
        Api.Person toNobody = api.newUser("tonobody");
        Api.Person broke = api.newUser("broke");
        Api.Person byCard = api.newUser("bycard");
        Api.Person toSender = api.newUser("tosender");
        for (Api.Person p : List.of(paying, replaying, toNobody, toSender)) {
            api.fund(p, 500);
        }
        api.addCard(byCard, Api.CARD);
        String replayedKey = UUID.randomUUID().toString();
        Api.Response before = api.transfer(replaying, receiver.id(), 40, replayedKey);
        assertThat(before.status()).as(before.raw()).isEqualTo(201);
        Groups groupsBefore = groups();

        Sending sending = new Sending();
        withEverySlotTaken(blockers, i -> sending.send("blocker" + i, blockers.get(i), receiver.id(), 100), 6, () -> {
            // these queue behind them, in this order
            sending.send("paying", paying, receiver.id(), 100);
            sending.keys.put("replaying", replayedKey);
            sending.sent.put(
                    "replaying",
                    CompletableFuture.supplyAsync(() -> api.transfer(replaying, receiver.id(), 40, replayedKey)));
            sending.send("tonobody", toNobody, UUID.randomUUID(), 100);
            sending.send("broke", broke, receiver.id(), 100);
            sending.send("bycard", byCard, receiver.id(), 250);
            // pays a sender of the group: not in it, in the one after
            sending.send("tosender", toSender, paying.id(), 70);
        });

        Map<String, Api.Response> got = new LinkedHashMap<>();
        for (var e : sending.sent.entrySet()) {
            got.put(e.getKey(), e.getValue().get(60, TimeUnit.SECONDS));
        }
        for (int i = 0; i < slots; i++) {
            assertThat(got.get("blocker" + i).status())
                    .as(got.get("blocker" + i).raw())
                    .isEqualTo(201);
        }
        assertThat(got.get("paying").status()).as(got.get("paying").raw()).isEqualTo(201);
        assertThat(got.get("replaying").raw()).isEqualTo(before.raw());
        assertThat(got.get("replaying").header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(got.get("tonobody").problemType()).isEqualTo(Api.PROBLEMS + "unknown-receiver");
        assertThat(got.get("broke").problemType()).isEqualTo(Api.PROBLEMS + "insufficient-funds");
        assertThat(got.get("bycard").status()).as(got.get("bycard").raw()).isEqualTo(201);
        assertThat(got.get("bycard").json().path("funding").path("card_cents").asLong())
                .isEqualTo(250);
        assertThat(got.get("tosender").status()).as(got.get("tosender").raw()).isEqualTo(201);
        // the blockers' groups, the five that fit together (the card payment and the replay left it to be sent alone),
        // the one paying a sender of the five (not beside it either: it waited for the five's group to end)
        assertThat(groups().count() - groupsBefore.count()).isEqualTo(slots + 2);
        assertThat(groups().members() - groupsBefore.members()).isEqualTo(slots + 5 + 1);

        // the money: each payment once, the invariants hold
        assertThat(api.balance(receiver)).isEqualTo(40 + 100L * slots + 100 + 250);
        assertThat(api.balance(paying)).isEqualTo(500 - 100 + 70);
        assertThat(api.balance(toSender)).isEqualTo(500 - 70);
        assertThat(api.balance(toNobody)).isEqualTo(500);
        assertThat(api.balance(broke)).isZero();
        LedgerInvariants.assertHold(db);

        // each key keeps its own answer: the same again, replayed
        Map<String, Api.Person> people = new LinkedHashMap<>(
                Map.of("paying", paying, "tonobody", toNobody, "broke", broke, "bycard", byCard, "tosender", toSender));
        for (int i = 0; i < slots; i++) {
            people.put("blocker" + i, blockers.get(i));
        }
        for (String who : people.keySet()) {
            Api.Person person = people.get(who);
            Api.Response again = api.transfer(person, sending.receivers.get(who), amountOf(who), sending.keys.get(who));
            assertThat(again.raw()).as(who).isEqualTo(got.get(who).raw());
            assertThat(again.status()).as(who).isEqualTo(got.get(who).status());
            assertThat(again.header("Idempotent-Replayed")).as(who).isEqualTo("true");
        }

        // each audit row carries its own request's id, though one thread wrote the group
        List<String> audited = new ArrayList<>();
        for (String who : List.of("blocker0", "paying", "bycard", "tosender")) {
            Api.Response r = got.get(who);
            String requestId = db.queryForObject(
                    "SELECT request_id FROM audit_log WHERE action = 'transfer.created' AND entity_id = ?",
                    String.class,
                    r.json().path("id").asString());
            assertThat(requestId).as(who).isEqualTo(r.header("X-Request-Id"));
            audited.add(requestId);
        }
        assertThat(audited).doesNotHaveDuplicates();
        for (String who : List.of("tonobody", "broke")) {
            assertThat(db.queryForObject(
                            "SELECT request_id FROM audit_log WHERE outcome = 'refused' AND entity_id = ?",
                            String.class,
                            sending.keys.get(who)))
                    .as(who)
                    .isEqualTo(got.get(who).header("X-Request-Id"));
        }
    }

    /**
     * Unsettled bank money moves with each payment of a group as it would alone (a group carries it for all its
     * senders in one statement): debit by debit in debit order, settled money leaving first, and two senders
     * carrying money of one debit to the same receiver add up on its row.
     */
    @Test
    void unsettledMoneyMovesWithEachPaymentOfAGroupAsItWouldAlone() throws Exception {
        Api.Person receiver = api.newUser("carriedto");
        Api.Person other = api.newUser("carriedto2");
        Api.Person shared = api.newUser("shared");
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        UUID sharedDebit = api.fundUnsettled(shared, 200);
        for (int i = 0; i < 3; i++) {
            api.fundUnsettled(alice, 100);
        }
        // alice's fourth debit is shared's: 100 of its 200 go to her, 100 stay
        Api.Response before =
                api.transfer(shared, alice.id(), 100, UUID.randomUUID().toString());
        assertThat(before.status()).as(before.raw()).isEqualTo(201);
        api.fund(alice, 30);
        api.fundUnsettled(bob, 100);
        api.fundUnsettled(bob, 100);
        Map<UUID, Long> alices = unsettledRows(alice);
        Map<UUID, Long> shareds = unsettledRows(shared);
        Map<UUID, Long> bobs = unsettledRows(bob);
        assertThat(alices).hasSize(4).containsEntry(sharedDebit, 100L);
        assertThat(shareds).containsExactly(Map.entry(sharedDebit, 100L));
        assertThat(bobs).hasSize(2);
        List<Api.Person> blockers = blockers();
        Groups groupsBefore = groups();

        Sending sending = new Sending();
        withEverySlotTaken(blockers, i -> sending.send("blocker" + i, blockers.get(i), other.id(), 100), 3, () -> {
            sending.send("alice", alice, receiver.id(), 430);
            sending.send("shared", shared, receiver.id(), 100);
            sending.send("bob", bob, other.id(), 150);
        });
        for (var e : sending.sent.entrySet()) {
            Api.Response r = e.getValue().get(60, TimeUnit.SECONDS);
            assertThat(r.status()).as(e.getKey() + ": " + r.raw()).isEqualTo(201);
        }
        assertThat(groups().count() - groupsBefore.count())
                .as("the blockers' groups and one")
                .isEqualTo(blockers.size() + 1);
        assertThat(groups().members() - groupsBefore.members()).isEqualTo(blockers.size() + 3);

        // what each would have carried alone: alice's 30 settled cents leave first, then all 400 unsettled; shared's
        // 100; bob's first debit and 50 of his second (the blockers' money was settled: nothing of theirs moves)
        Map<UUID, Long> toReceiver = new java.util.HashMap<>();
        Map<UUID, Long> toOther = new java.util.HashMap<>();
        assertThat(unsettledRows(alice))
                .isEqualTo(carry(alices, 400, toReceiver))
                .isEmpty();
        assertThat(unsettledRows(shared))
                .isEqualTo(carry(shareds, 100, toReceiver))
                .isEmpty();
        assertThat(unsettledRows(bob)).isEqualTo(carry(bobs, 150, toOther)).hasSize(1);
        assertThat(unsettledRows(receiver)).isEqualTo(toReceiver).hasSize(4).containsEntry(sharedDebit, 200L);
        assertThat(unsettledRows(other)).isEqualTo(toOther).hasSize(2);
        LedgerInvariants.assertHold(db);
    }

    /**
     * A sender's unsettled rows (debit to cents, in debit order) after {@code amount} of them left, walked in debit
     * order; what left is added to {@code to}.
     */
    private static Map<UUID, Long> carry(Map<UUID, Long> rows, long amount, Map<UUID, Long> to) {
        Map<UUID, Long> left = new LinkedHashMap<>();
        long owed = amount;
        for (var row : rows.entrySet()) {
            long part = Math.min(owed, row.getValue());
            owed -= part;
            if (part > 0) {
                to.merge(row.getKey(), part, Long::sum);
            }
            if (row.getValue() > part) {
                left.put(row.getKey(), row.getValue() - part);
            }
        }
        return left;
    }

    /** A wallet's unsettled money, debit to cents, in debit order (the order a payment takes it in). */
    private Map<UUID, Long> unsettledRows(Api.Person p) {
        Map<UUID, Long> rows = new LinkedHashMap<>();
        db.query(
                "SELECT f.debit_id, f.amount_cents FROM unsettled_funds f JOIN ledger_accounts a ON a.id = f.account_id"
                        + " WHERE a.user_id = ? ORDER BY f.debit_id",
                rs -> {
                    rows.put(rs.getObject(1, UUID.class), rs.getLong(2));
                },
                p.id());
        return rows;
    }

    /**
     * Takes every group slot (each blocker's wallet row held by another transaction, then its payment sent by
     * {@code pay}, by index, and waiting on that row, one after the other), sends what {@code queue} sends, waits until
     * {@code queued} payments wait for a group, and lets the blockers' rows go.
     */
    private void withEverySlotTaken(List<Api.Person> blockers, IntConsumer pay, int queued, Runnable queue)
            throws Exception {
        List<HeldWalletRow> held = new ArrayList<>();
        try {
            for (int i = 0; i < blockers.size(); i++) {
                held.add(HeldWalletRow.hold(dataSource, account(blockers.get(i))));
                pay.accept(i);
                long waiting = i + 1;
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> db.queryForObject(
                                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                                + " AND query LIKE '%ledger_accounts%FOR NO KEY UPDATE%'",
                                        Long.class)
                                == waiting);
            }
            queue.run();
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            meters.get("venmo.transfer.group.queued").gauge().value() == queued);
        } finally {
            for (HeldWalletRow row : held) {
                row.close();
            }
        }
    }

    /** The groups posted so far and their payments ({@code venmo.transfer.group.members}). */
    private record Groups(long count, double members) {}

    private Groups groups() {
        var sizes = meters.get("venmo.transfer.group.members").summary();
        return new Groups(sizes.count(), sizes.totalAmount());
    }

    private static long amountOf(String who) {
        return switch (who) {
            case "bycard" -> 250;
            case "tosender" -> 70;
            default -> 100;
        };
    }

    /** Payments sent at once, by name: each one's answer to come, key and receiver. */
    private final class Sending {
        final Map<String, CompletableFuture<Api.Response>> sent = new LinkedHashMap<>();
        final Map<String, String> keys = new LinkedHashMap<>();
        final Map<String, UUID> receivers = new LinkedHashMap<>();

        void send(String who, Api.Person from, UUID to, long cents) {
            String key = UUID.randomUUID().toString();
            keys.put(who, key);
            receivers.put(who, to);
            sent.put(who, CompletableFuture.supplyAsync(() -> api.transfer(from, to, cents, key)));
        }
    }

    /** A funded user per group slot, to take them all ({@link #withEverySlotTaken}). */
    private List<Api.Person> blockers() {
        List<Api.Person> blockers = new ArrayList<>();
        for (int i = 0; i < settings.groupMaxRunning(); i++) {
            Api.Person blocker = api.newUser("blocker");
            api.fund(blocker, 1_000);
            blockers.add(blocker);
        }
        return blockers;
    }

    private long account(Api.Person p) {
        return db.queryForObject(
                "SELECT id FROM ledger_accounts WHERE kind = 'wallet' AND user_id = ?", Long.class, p.id());
    }
}
