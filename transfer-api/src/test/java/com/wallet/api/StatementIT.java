package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

@ApiIT
class StatementIT extends ApiIT.Base {

    /** A parsed statement: its opening and closing balances and the movements between them. */
    private record Statement(long opening, long closing, List<CSVRecord> movements) {
        long sum() {
            return movements.stream()
                    .mapToLong(r -> Long.parseLong(r.get("amount_cents")))
                    .sum();
        }

        Set<String> kinds() {
            return movements.stream().map(r -> r.get("kind")).collect(Collectors.toSet());
        }
    }

    private Api.Response fetch(Api.Person who, String from, String to) {
        return api.get(
                "/v1/me/statements?from=" + from.replace("+", "%2B") + "&to=" + to.replace("+", "%2B"), who.token());
    }

    private Statement statement(Api.Person who, String from, String to) {
        Api.Response r = fetch(who, from, to);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/csv");
        List<CSVRecord> rows;
        try {
            rows = CSVFormat.RFC4180
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(new StringReader(r.raw()))
                    .getRecords();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(rows.get(0).get("kind")).isEqualTo("opening_balance");
        assertThat(rows.get(rows.size() - 1).get("kind")).isEqualTo("closing_balance");
        long balance = Long.parseLong(rows.get(0).get("balance_cents"));
        List<CSVRecord> movements = rows.subList(1, rows.size() - 1);
        for (CSVRecord m : movements) { // each row's running balance follows from the one before
            balance += Long.parseLong(m.get("amount_cents"));
            assertThat(Long.parseLong(m.get("balance_cents"))).as(m.toString()).isEqualTo(balance);
        }
        long closing = Long.parseLong(rows.get(rows.size() - 1).get("balance_cents"));
        assertThat(closing).as("closing = opening + movements").isEqualTo(balance);
        return new Statement(Long.parseLong(rows.get(0).get("balance_cents")), closing, movements);
    }

    private long linesOf(Api.Person who, String condition, Object... args) {
        List<Object> params = new ArrayList<>(List.of(who.id()));
        params.addAll(List.of(args));
        return db.queryForObject(
                "SELECT coalesce(sum(l.amount_cents), 0) FROM ledger_lines l JOIN ledger_accounts a"
                        + " ON a.id = l.account_id WHERE a.user_id = ?" + condition,
                Long.class,
                params.toArray());
    }

    @Test
    void statementsAddUpChainAndCloseAtTheLedgerAfterARandomWorkload() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Api.Person> users = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Api.Person u = api.newUser("stmt");
            api.fund(u, 20_000);
            users.add(u);
        }
        Api.Person casher = users.get(0);
        UUID bank = api.addVerifiedBank(casher);
        UUID card = api.addCard(casher, Api.CARD);

        // phase one: random payments among the four, concurrently
        List<Api.Response> first = Concurrently.run(8, i -> {
            Api.Person from = users.get(random.nextInt(users.size()));
            Api.Person to = users.get((users.indexOf(from) + 1 + random.nextInt(users.size() - 1)) % users.size());
            long cents = 1 + random.nextInt(900);
            return () -> api.transfer(from, to.id(), cents, UUID.randomUUID().toString());
        });
        assertThat(first).as("seed " + seed).allMatch(r -> r.status() == 201);
        // a moment between the phases, by the database's clock (which dates the ledger lines)
        Timestamp split = db.queryForObject("SELECT clock_timestamp()", Timestamp.class);

        // phase two: more payments, refunds of some of the first ones, two cash-outs
        List<Api.Response> second = Concurrently.run(8, i -> {
            if (i < 3) {
                Api.Response paid = first.get(i);
                Api.Person receiver = users.stream()
                        .filter(u -> u.id().toString()
                                .equals(paid.json().path("receiver_id").asString()))
                        .findFirst()
                        .orElseThrow();
                return () -> api.post(
                        "/v1/transfers/" + paid.json().path("id").asString() + "/refunds",
                        receiver.token(),
                        UUID.randomUUID().toString(),
                        Map.of("amount_cents", 1));
            }
            Api.Person from = users.get(random.nextInt(users.size()));
            Api.Person to = users.get((users.indexOf(from) + 1 + random.nextInt(users.size() - 1)) % users.size());
            long cents = 1 + random.nextInt(900);
            return () -> api.transfer(from, to.id(), cents, UUID.randomUUID().toString());
        });
        assertThat(second).as("seed " + seed).allMatch(r -> r.status() == 201);
        Api pinned = api.withPin(Api.PIN);
        for (Object[] c : List.of(new Object[] {"standard", bank}, new Object[] {"instant", card})) {
            Api.Response cashout = pinned.post(
                    "/v1/cashouts",
                    casher.token(),
                    UUID.randomUUID().toString(),
                    Map.of("amount_cents", 500, "speed", c[0], "payment_method_id", c[1].toString()));
            assertThat(cashout.status()).as(cashout.raw()).isIn(201, 202);
        }

        String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        String at = OffsetDateTime.ofInstant(split.toInstant(), ZoneOffset.UTC).toString();
        for (Api.Person u : users) {
            Statement before = statement(u, yesterday, at);
            Statement after = statement(u, at, tomorrow + "T00:00:00Z");
            Statement whole = statement(u, yesterday, tomorrow);

            assertThat(before.opening()).as("nothing before the user existed").isZero();
            assertThat(before.closing())
                    .as("closing at the split = the ledger's lines before it")
                    .isEqualTo(linesOf(u, " AND l.created_at < ?", split));
            assertThat(after.opening()).as("statements chain").isEqualTo(before.closing());
            assertThat(whole.movements())
                    .hasSize(before.movements().size() + after.movements().size());
            assertThat(whole.closing())
                    .as("closes at the ledger and at the wallet's balance")
                    .isEqualTo(linesOf(u, ""))
                    .isEqualTo(api.balance(u));
            assertThat(after.sum()).isEqualTo(linesOf(u, " AND l.created_at >= ?", split));
            // every transfer of the user's history is in the statement, once
            List<String> history = api.get("/v1/me/transfers?limit=100", u.token())
                    .json()
                    .path("items")
                    .valueStream()
                    .map(t -> t.path("id").asString())
                    .toList();
            assertThat(whole.movements().stream()
                            .map(m -> m.get("reference"))
                            .filter(history::contains)
                            .toList())
                    .hasSameSizeAs(history)
                    .containsExactlyInAnyOrderElementsOf(history);
        }
        Statement cashed = statement(casher, yesterday, tomorrow);
        assertThat(cashed.kinds()).contains("transfer", "cashout", "instant_cashout");
        assertThat(cashed.movements())
                .filteredOn(m -> m.get("kind").equals("transfer"))
                .allSatisfy(m -> assertThat(m.get("counterparty")).isNotBlank());
        assertThat(users.stream()
                        .flatMap(u -> statement(u, yesterday, tomorrow).kinds().stream())
                        .collect(Collectors.toSet()))
                .contains("refund");
        LedgerInvariants.assertHold(db);
    }

    @Test
    void aNoteCannotBecomeASpreadsheetFormula() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 1_000);
        Api.Response paid = api.post(
                "/v1/transfers",
                alice.token(),
                UUID.randomUUID().toString(),
                Map.of("receiver_id", bob.id().toString(), "amount_cents", 100, "note", "=HYPERLINK(\"x\",\"y\")"));
        assertThat(paid.status()).isEqualTo(201);
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();

        Statement s = statement(bob, today, tomorrow);

        assertThat(s.movements()).singleElement().satisfies(m -> {
            assertThat(m.get("note")).isEqualTo("'=HYPERLINK(\"x\",\"y\")");
            assertThat(m.get("counterparty")).isEqualTo(alice.username());
            assertThat(m.get("reference")).isEqualTo(paid.json().path("id").asString());
        });
        assertThat(fetch(bob, today, tomorrow).header("Content-Disposition")).contains("attachment");
    }

    @Test
    void aBadPeriodIsRefusedClearly() {
        Api.Person alice = api.newUser("alice");

        for (String[] bad : List.of(
                new String[] {"2026-11-02", "2026-11-01"},
                new String[] {"2026-13-01", "2026-11-01"},
                new String[] {"2024-01-01", "2026-01-01"},
                new String[] {"yesterday", "2026-11-01"})) {
            Api.Response r = fetch(alice, bad[0], bad[1]);
            assertThat(r.status()).as(String.join("..", bad)).isEqualTo(400);
            assertThat(r.problemType()).isEqualTo(Api.PROBLEMS + "invalid-request");
        }
        assertThat(api.get("/v1/me/statements?from=2026-11-01&to=2026-11-02&time_zone=Mars/Olympus", alice.token())
                        .status())
                .isEqualTo(400);
        assertThat(api.get("/v1/me/statements?from=2026-11-01", alice.token()).status())
                .isEqualTo(400);
        assertThat(api.get("/v1/me/statements?from=2026-11-01&to=2026-11-02", null)
                        .status())
                .isEqualTo(401);
    }
}
