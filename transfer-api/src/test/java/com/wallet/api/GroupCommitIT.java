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
        List<Api.Person> blockers = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            Api.Person blocker = api.newUser("blocker");
            api.fund(blocker, 1_000);
            blockers.add(blocker);
        }
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
        var groupSizes = meters.get("venmo.transfer.group.members").summary();
        long groupsBefore = groupSizes.count();
        double membersBefore = groupSizes.totalAmount();

        Map<String, CompletableFuture<Api.Response>> sent = new LinkedHashMap<>();
        Map<String, String> keys = new LinkedHashMap<>();
        Map<String, UUID> receivers = new LinkedHashMap<>();
        List<HeldWalletRow> held = new ArrayList<>();
        try {
            for (int i = 0; i < slots; i++) {
                held.add(HeldWalletRow.hold(dataSource, account(blockers.get(i))));
                sent.put("blocker" + i, send(blockers.get(i), receiver.id(), 100, keys, receivers, "blocker" + i));
                long waiting = i + 1;
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> db.queryForObject(
                                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                                + " AND query LIKE '%ledger_accounts%FOR NO KEY UPDATE%'",
                                        Long.class)
                                == waiting);
            }
            // these queue behind them, in this order
            sent.put("paying", send(paying, receiver.id(), 100, keys, receivers, "paying"));
            keys.put("replaying", replayedKey);
            sent.put(
                    "replaying",
                    CompletableFuture.supplyAsync(() -> api.transfer(replaying, receiver.id(), 40, replayedKey)));
            sent.put("tonobody", send(toNobody, UUID.randomUUID(), 100, keys, receivers, "tonobody"));
            sent.put("broke", send(broke, receiver.id(), 100, keys, receivers, "broke"));
            sent.put("bycard", send(byCard, receiver.id(), 250, keys, receivers, "bycard"));
            // pays a sender of the group: not in it, in the one after
            sent.put("tosender", send(toSender, paying.id(), 70, keys, receivers, "tosender"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            meters.get("venmo.transfer.group.queued").gauge().value() == 6);
        } finally {
            for (HeldWalletRow row : held) {
                row.close();
            }
        }

        Map<String, Api.Response> got = new LinkedHashMap<>();
        for (var e : sent.entrySet()) {
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
        assertThat(groupSizes.count() - groupsBefore).isEqualTo(slots + 2);
        assertThat(groupSizes.totalAmount() - membersBefore).isEqualTo(slots + 5 + 1);

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
            Api.Response again = api.transfer(person, receivers.get(who), amountOf(who), keys.get(who));
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
                            keys.get(who)))
                    .as(who)
                    .isEqualTo(got.get(who).header("X-Request-Id"));
        }
    }

    private static long amountOf(String who) {
        return switch (who) {
            case "bycard" -> 250;
            case "tosender" -> 70;
            default -> 100;
        };
    }

    private CompletableFuture<Api.Response> send(
            Api.Person from, UUID to, long cents, Map<String, String> keys, Map<String, UUID> receivers, String who) {
        String key = UUID.randomUUID().toString();
        keys.put(who, key);
        receivers.put(who, to);
        return CompletableFuture.supplyAsync(() -> api.transfer(from, to, cents, key));
    }

    private long account(Api.Person p) {
        return db.queryForObject(
                "SELECT id FROM ledger_accounts WHERE kind = 'wallet' AND user_id = ?", Long.class, p.id());
    }
}
