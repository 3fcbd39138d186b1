package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Account and card numbers never leave in full: every log line (at DEBUG, everything Spring and the app write), every
 * response and the audit log are searched for them while they go through linking, verifying, funding, cashing out and
 * being rejected.
 */
@ApiIT
class SecretsIT extends ApiIT.Base {

    @Test
    void fullNumbersAppearInNoLogResponseOrAuditRow() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        root.setLevel(Level.DEBUG);
        String card = "4111111111111111";
        String badCard = "4111111111111112";
        String account = Api.newAccountNumber();
        List<String> responses = new ArrayList<>();
        Api.Person alice;
        try {
            alice = api.newUser("alice");
            Api.Person bob = api.newUser("bob");
            UUID bank = api.linkBank(alice, account);
            responses.add(api.verifyBank(alice, bank, account).raw());
            UUID cardId = api.addCard(alice, card);
            responses.add(api.get("/v1/me/payment-methods", alice.token()).raw());
            responses.add(api.transfer(alice, bob.id(), 5_000, UUID.randomUUID().toString())
                    .raw());
            db.update("UPDATE payment_methods SET is_default = false WHERE id = ?", bank);
            responses.add(api.transfer(alice, bob.id(), 3_000, UUID.randomUUID().toString())
                    .raw());
            api.fund(alice, 10_000);
            responses.add(api.post(
                            "/v1/cashouts",
                            alice.token(),
                            UUID.randomUUID().toString(),
                            Map.of("amount_cents", 2_000, "speed", "instant", "payment_method_id", cardId.toString()))
                    .raw());
            // rejected input: a failing Luhn check, a number where a string belongs, an unknown field
            responses.add(api.post(
                            "/v1/me/payment-methods",
                            alice.token(),
                            null,
                            Map.of("type", "card", "card_number", badCard, "exp_month", 12, "exp_year", 2031))
                    .raw());
            responses.add(api.post(
                            "/v1/me/payment-methods",
                            alice.token(),
                            null,
                            "{\"type\":\"card\",\"card_number\":" + badCard + ",\"exp_month\":12,\"exp_year\":2031}")
                    .raw());
            responses.add(api.post(
                            "/v1/me/payment-methods",
                            alice.token(),
                            null,
                            "{\"type\":\"bank\",\"routing_number\":\"091000019\",\"account_number\":\"" + account
                                    + "\",\"pin\":\"" + account + "\"}")
                    .raw());
        } finally {
            root.setLevel(before);
            root.detachAppender(captured);
        }

        // background threads may still be appending: stop the appender and copy its list under its own lock
        // (AppenderBase.doAppend is synchronized on the appender), or the stream below races them
        List<ILoggingEvent> events;
        synchronized (captured) {
            captured.stop();
            events = new ArrayList<>(captured.list);
        }
        List<String> lines = events.stream()
                .map(e -> e.getFormattedMessage()
                        + (e.getThrowableProxy() != null ? ThrowableProxyUtil.asString(e.getThrowableProxy()) : ""))
                .toList();
        assertThat(lines).as("DEBUG logging really ran").hasSizeGreaterThan(50);
        assertThat(lines).as("some line mentions the card by its last 4").anyMatch(l -> l.contains("...1111"));
        for (String secret : List.of(card, badCard, account)) {
            assertThat(lines).as("log lines").noneMatch(l -> l.contains(secret));
            assertThat(responses).as("responses").noneMatch(r -> r.contains(secret));
            assertThat(db.queryForObject(
                            "SELECT count(*) FROM audit_log WHERE details::text LIKE ?",
                            Long.class,
                            "%" + secret + "%"))
                    .as("audit rows")
                    .isZero();
        }
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE actor_id = ? AND action = 'payment_method.linked'",
                        Long.class,
                        alice.id()))
                .isEqualTo(2);
    }
}
