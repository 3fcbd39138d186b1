package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.wallet.stack.SharedStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Notifications come from the change topics, not from the request thread. The test writes change events as the CDC
 * connector does (its own tests cover capturing them) and reads the notifications through the API and the topic.
 */
@ApiIT
class NotificationsIT extends ApiIT.Base {

    private static void emit(String table, String key, String value) throws Exception {
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(
                        "bootstrap.servers", SharedStack.get().kafka().bootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(ApiIT.CHANGE_PREFIX + ".public." + table, key, value))
                    .get();
        }
    }

    private List<String> kinds(Api.Person user) {
        return api.get("/v1/me/notifications", user.token())
                .json()
                .path("items")
                .valueStream()
                .map(i -> i.path("kind").asString())
                .toList();
    }

    @Test
    void eachEventNotifiesOnceEvenWhenReplayed() throws Exception {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        UUID transfer = UUID.randomUUID();
        UUID request = UUID.randomUUID();
        String paid = "{\"op\":\"c\",\"before\":null,\"after\":{\"id\":\"" + transfer + "\",\"sender_id\":\""
                + alice.id() + "\",\"receiver_id\":\"" + bob.id() + "\",\"amount_cents\":1250,\"note\":\"pizza\","
                + "\"visibility\":\"friends\",\"status\":\"completed\",\"created_at\":\"2026-11-24T12:00:00Z\"}}";
        String asked = "{\"op\":\"c\",\"before\":null,\"after\":{\"id\":\"" + request + "\",\"requester_id\":\""
                + bob.id() + "\",\"payer_id\":\"" + alice.id() + "\",\"amount_cents\":500,\"status\":\"pending\"}}";
        String declined = asked.replace("\"op\":\"c\"", "\"op\":\"u\"").replace("pending", "declined");

        for (int replay = 0; replay < 2; replay++) { // the second round is a replay of the same events
            emit("transfers", "{\"id\":\"" + transfer + "\"}", paid);
            emit("payment_requests", "{\"id\":\"" + request + "\"}", asked);
            emit("payment_requests", "{\"id\":\"" + request + "\"}", declined);
            emit("transfers", "{\"id\":\"x\"}", "not json at all"); // a poison record: to the dead-letter topic
        }

        await().atMost(Duration.ofSeconds(60))
                .until(() -> kinds(bob).size() == 2 && kinds(alice).size() == 1);
        // one more event after the replay, so that the replay has surely been consumed when it is checked
        emit(
                "friend_requests",
                "{}",
                "{\"op\":\"c\",\"before\":null,\"after\":{\"requester_id\":\"" + alice.id() + "\",\"addressee_id\":\""
                        + bob.id() + "\",\"created_at\":\"2026-11-24T12:01:00Z\"}}");
        await().atMost(Duration.ofSeconds(60)).until(() -> kinds(bob).size() == 3);

        assertThat(kinds(bob))
                .containsExactlyInAnyOrder("payment_received", "request_declined", "friend_request_received");
        assertThat(kinds(alice)).containsExactly("request_received");
        var received = api.get("/v1/me/notifications", bob.token())
                .json()
                .path("items")
                .valueStream()
                .filter(i -> i.path("kind").asString().equals("payment_received"))
                .findFirst()
                .orElseThrow();
        assertThat(received.path("payload").path("amount_cents").asLong()).isEqualTo(1250);
        assertThat(received.path("read_at").isNull()).isTrue();
        Api.Response read =
                api.post("/v1/me/notifications/" + received.path("id").asString() + "/read", bob.token(), null, null);
        assertThat(read.json().path("read_at").isNull()).isFalse();
        assertThat(api.post(
                                "/v1/me/notifications/" + received.path("id").asString() + "/read",
                                alice.token(),
                                null,
                                null)
                        .status())
                .as("not alice's")
                .isEqualTo(404);

        // the notifications topic carries each of them once
        List<ConsumerRecord<String, String>> published = readAll(
                ApiIT.CHANGE_PREFIX + ".notifications.v1",
                r -> r.key().equals(bob.id().toString()),
                3);
        assertThat(published.stream()
                        .filter(r -> r.key().equals(bob.id().toString()))
                        .count())
                .isEqualTo(3);
        assertThat(published.stream()
                        .filter(r -> r.key().equals(alice.id().toString()))
                        .count())
                .isEqualTo(1);

        // the unreadable events are in the dead-letter topic, with where they came from and why
        List<ConsumerRecord<String, String>> dead = readAll(ApiIT.CHANGE_PREFIX + ".notifications.dlt.v1", 2);
        assertThat(dead)
                .filteredOn(r -> "not json at all".equals(r.value()))
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(r -> {
                    assertThat(header(r, "kafka_dlt-original-topic"))
                            .isEqualTo(ApiIT.CHANGE_PREFIX + ".public.transfers");
                    assertThat(header(r, "kafka_dlt-exception-message")).contains("cannot be read");
                });
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Everything in a topic, waiting until at least {@code atLeast} records are there. */
    private static List<ConsumerRecord<String, String>> readAll(String topic, int atLeast) {
        return readAll(topic, r -> true, atLeast);
    }

    /**
     * Everything in a topic, waiting until at least {@code atLeast} records match {@code counted}, then one more poll
     * so that a duplicate would be seen too.
     */
    private static List<ConsumerRecord<String, String>> readAll(
            String topic, java.util.function.Predicate<ConsumerRecord<String, String>> counted, int atLeast) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(
                        "bootstrap.servers",
                        SharedStack.get().kafka().bootstrapServers(),
                        "group.id",
                        "probe-" + UUID.randomUUID(),
                        "auto.offset.reset",
                        "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return records.stream().filter(counted).count() >= atLeast;
            });
            consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
        }
        return records;
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    private double failedAttempts() {
        var counter = meters.find("wallet.notifications.failed.attempts").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void whileTheDatabaseRefusesWritesNotificationsWaitAndNoneIsLost() throws Exception {
        Api.Person payer = api.newUser("payer");
        List<Api.Person> payees = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            payees.add(api.newUser("payee"));
        }
        double failedBefore = failedAttempts();
        // as a database that fails fast would (read-only after a failover, a full disk): every insert refused
        admin().execute("REVOKE INSERT ON notifications FROM " + com.wallet.stack.ServiceRoles.API);
        int burst = 30;
        try {
            for (int i = 0; i < burst; i++) {
                Api.Person payee = payees.get(i % payees.size());
                emit(
                        "transfers",
                        "{\"id\":\"" + UUID.randomUUID() + "\"}",
                        "{\"op\":\"c\",\"before\":null,\"after\":{\"id\":\"" + UUID.randomUUID()
                                + "\",\"sender_id\":\"" + payer.id() + "\",\"receiver_id\":\"" + payee.id()
                                + "\",\"amount_cents\":" + (100 + i) + ",\"note\":\"burst\",\"visibility\":\"friends\","
                                + "\"status\":\"completed\",\"created_at\":\"2026-11-24T12:00:00Z\"}}");
            }
            // the listener meets the refusal and keeps retrying (the pause backs off), nothing stored
            await().atMost(Duration.ofSeconds(60)).until(() -> failedAttempts() >= failedBefore + 3);
            assertThat(db.queryForObject(
                            "SELECT count(*) FROM notifications WHERE user_id = ANY(?)", Long.class, (Object)
                                    payees.stream().map(Api.Person::id).toArray(UUID[]::new)))
                    .isZero();
        } finally {
            admin().execute("GRANT INSERT ON notifications TO " + com.wallet.stack.ServiceRoles.API);
        }
        // recovered: every one of them, once
        await().atMost(Duration.ofSeconds(60))
                .until(() -> db.queryForObject(
                                "SELECT count(*) FROM notifications WHERE user_id = ANY(?)", Long.class, (Object)
                                        payees.stream().map(Api.Person::id).toArray(UUID[]::new))
                        >= burst);
        assertThat(db.queryForObject(
                        "SELECT count(DISTINCT payload->>'amount_cents') FROM notifications WHERE user_id = ANY(?)"
                                + " AND kind = 'payment_received'",
                        Long.class,
                        (Object) payees.stream().map(Api.Person::id).toArray(UUID[]::new)))
                .isEqualTo(burst);
        assertThat(db.queryForObject("SELECT count(*) FROM notifications WHERE user_id = ANY(?)", Long.class, (Object)
                        payees.stream().map(Api.Person::id).toArray(UUID[]::new)))
                .isEqualTo(burst);
    }
}
