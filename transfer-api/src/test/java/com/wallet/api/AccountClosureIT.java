package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Closing an account ({@code POST /v1/me/close}): only when it holds, owes and has in flight nothing; then for good,
 * with what identified the person erased and what they shared taken back, and nothing of theirs reachable again.
 */
@ApiIT
class AccountClosureIT extends ApiIT.Base {

    private static final String PASSWORD = "correct horse 1";

    private static final int ROUNDS = 4;

    @Autowired
    DataSource dataSource;

    @Autowired
    com.wallet.api.cashout.ClosedAccountSendOn sendOn;

    private Api.Response close(Api.Person who, String password) {
        return api.post("/v1/me/close", who.token(), null, Map.of("password", password));
    }

    private Api.Response pay(Api.Person from, Api.Person to, long cents, String visibility) {
        return api.post(
                "/v1/transfers",
                from.token(),
                UUID.randomUUID().toString(),
                Map.of(
                        "receiver_id",
                        to.id().toString(),
                        "amount_cents",
                        cents,
                        "note",
                        "dinner",
                        "visibility",
                        visibility));
    }

    private long count(String sql, Object... args) {
        return db.queryForObject(sql, Long.class, args);
    }

    @Test
    void anEmptyAccountClosesForGoodWithWhatIdentifiedThePersonErasedAndWhatTheySharedTakenBack() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol");
        api.fund(bob, 2_000);
        assertThat(api.befriend(alice, bob.id()).status()).isEqualTo(200);
        assertThat(api.befriend(bob, alice.id()).json().path("status").asString())
                .isEqualTo("friends");
        assertThat(api.befriend(carol, alice.id()).status()).isEqualTo(200); // a request alice has not answered
        // bob pays alice in public, she pays it back to friends: her wallet holds nothing again
        Api.Response paid = pay(bob, alice, 1_500, "public");
        assertThat(paid.status()).as(paid.raw()).isEqualTo(201);
        Api.Response paidBack = pay(alice, bob, 1_500, "friends");
        assertThat(paidBack.status()).as(paidBack.raw()).isEqualTo(201);
        UUID card = api.addCard(alice, Api.CARD);
        String bobAsksAlice =
                api.requestMoney(bob, alice.id()).json().path("id").asString();
        String aliceAsksCarol =
                api.requestMoney(alice, carol.id()).json().path("id").asString();
        Api.Response schedule = api.scheduleMonthly(alice, carol.id());
        assertThat(schedule.status()).as(schedule.raw()).isEqualTo(201);
        assertThat(api.balance(alice)).isZero();
        // a code sent to a phone she is proving, and one to bob's: the stub of SMS delivery keeps both messages
        String herPhone = "+1555" + (1_000_000 + (int) (Math.random() * 8_999_999));
        String hisPhone = "+1556" + (1_000_000 + (int) (Math.random() * 8_999_999));
        assertThat(api.post("/v1/me/contacts", alice.token(), null, Map.of("phone", herPhone))
                        .status())
                .isEqualTo(202);
        assertThat(api.post("/v1/me/contacts", bob.token(), null, Map.of("phone", hisPhone))
                        .status())
                .isEqualTo(202);

        // the password is asked again: a wrong one closes nothing (and counts as a failed login)
        Api.Response wrong = close(alice, "not her password");
        assertThat(wrong.status()).as(wrong.raw()).isEqualTo(401);
        assertThat(api.get("/v1/me", alice.token()).status()).isEqualTo(200);

        Api.Response closed = close(alice, PASSWORD);
        assertThat(closed.status()).as(closed.raw()).isEqualTo(200);
        assertThat(closed.json().path("status").asString()).isEqualTo("closed");
        assertThat(closed.json().path("username").asString()).isEqualTo(alice.username());
        assertThat(closed.json().path("closed_at").isNull()).isFalse();

        // nothing of hers works again: her token, her password, her name
        assertThat(api.get("/v1/me", alice.token()).status()).isEqualTo(401);
        assertThat(api.get("/v1/me/wallet", alice.token()).status()).isEqualTo(401);
        assertThat(close(alice, PASSWORD).status()).as("closing again").isEqualTo(401);
        assertThat(api.post("/v1/auth/token", null, null, Map.of("username", alice.username(), "password", PASSWORD))
                        .status())
                .isEqualTo(401);
        assertThat(api.get("/v1/users?username=" + alice.username(), bob.token())
                        .status())
                .isEqualTo(404);
        // and nobody reaches her: payments, requests, friend requests
        Api.Response toClosed = pay(bob, alice, 100, "private");
        assertThat(toClosed.status()).as(toClosed.raw()).isEqualTo(422);
        assertThat(toClosed.problemType()).isEqualTo(Api.PROBLEMS + "receiver-unavailable");
        assertThat(api.requestMoney(bob, alice.id()).problemType()).isEqualTo(Api.PROBLEMS + "unknown-payer");
        assertThat(api.befriend(bob, alice.id()).status()).isEqualTo(404);
        assertThat(api.scheduleMonthly(bob, alice.id()).problemType()).isEqualTo(Api.PROBLEMS + "unknown-receiver");

        // what identified her is erased from her row; the row, her name and her payments stay
        Map<String, Object> row = db.queryForMap(
                "SELECT status, closed_at, email, phone, password_hash, display_name, avatar_url FROM users"
                        + " WHERE id = ?",
                alice.id());
        assertThat(row.get("status")).isEqualTo("closed");
        assertThat(row.get("closed_at")).isNotNull();
        assertThat(row.get("email")).isNull();
        assertThat(row.get("password_hash")).isNull();
        assertThat(row.get("display_name")).isEqualTo("Closed account");
        assertThat(count("SELECT count(*) FROM user_pins WHERE user_id = ?", alice.id()))
                .isZero();
        assertThat(count("SELECT count(*) FROM contact_codes WHERE user_id = ?", alice.id()))
                .isZero();
        assertThat(count("SELECT count(*) FROM contact_messages WHERE contact = ?", herPhone))
                .as("the messages to her addresses")
                .isZero();
        assertThat(count("SELECT count(*) FROM contact_messages WHERE contact = ?", hisPhone))
                .as("bob's message stays")
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM payment_methods WHERE user_id = ? AND NOT removed", alice.id()))
                .isZero();
        assertThat(count("SELECT count(*) FROM payment_methods WHERE id = ?", card))
                .as("the card's row stays for the settlement records")
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM friendships WHERE user_a = ? OR user_b = ?", alice.id(), alice.id()))
                .isZero();
        assertThat(count(
                        "SELECT count(*) FROM friend_requests WHERE requester_id = ? OR addressee_id = ?",
                        alice.id(),
                        alice.id()))
                .isZero();
        // her payments stay, made private: the fan-out takes them out of every feed
        assertThat(db.queryForList(
                        "SELECT visibility FROM transfers WHERE sender_id = ? OR receiver_id = ?",
                        String.class,
                        alice.id(),
                        alice.id()))
                .hasSize(2)
                .containsOnly("private");
        Api.Response bobsView =
                api.get("/v1/transfers/" + paid.json().path("id").asString(), bob.token());
        assertThat(bobsView.status()).isEqualTo(200);
        assertThat(bobsView.json().path("visibility").asString()).isEqualTo("private");
        // what was pending either way is closed, as she would have closed it
        assertThat(api.get("/v1/payment-requests/" + bobAsksAlice, bob.token())
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("declined");
        assertThat(api.get("/v1/payment-requests/" + aliceAsksCarol, carol.token())
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("cancelled");
        assertThat(db.queryForObject(
                        "SELECT status FROM scheduled_payments WHERE id = ?",
                        String.class,
                        UUID.fromString(schedule.json().path("id").asString())))
                .isEqualTo("cancelled");
        assertThat(db.queryForObject(
                        "SELECT details->>'payments_made_private' FROM audit_log WHERE actor_id = ?"
                                + " AND action = 'user.closed'",
                        String.class,
                        alice.id()))
                .isEqualTo("2");
        assertThat(db.queryForObject(
                        "SELECT details->>'contact_messages' FROM audit_log WHERE actor_id = ?"
                                + " AND action = 'user.closed'",
                        String.class,
                        alice.id()))
                .isEqualTo("1");
        // the name stays reserved; the email address is free again
        Api.Response sameName = api.post(
                "/v1/users",
                null,
                null,
                Map.of("username", alice.username(), "email", "someone.else@example.com", "password", PASSWORD));
        assertThat(sameName.problemType()).isEqualTo(Api.PROBLEMS + "username-taken");
        Api.Response sameEmail = api.post(
                "/v1/users",
                null,
                null,
                Map.of(
                        "username",
                        alice.username() + "_again",
                        "email",
                        alice.username() + "@example.com",
                        "password",
                        PASSWORD));
        assertThat(sameEmail.status()).as(sameEmail.raw()).isEqualTo(201);
        // a closed account stays closed, even to the schema's owner
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        db.update("UPDATE users SET status = 'active', closed_at = NULL WHERE id = ?", alice.id()))
                .hasMessageContaining("stays closed");
    }

    @Test
    void anAccountThatHoldsOwesOrHasMoneyInFlightDoesNotCloseAndSaysWhatIsLeft() {
        Api.Person alice = api.newUser("alice");
        api.fund(alice, 1_000);
        Api.Response holding = close(alice, PASSWORD);
        assertThat(holding.status()).as(holding.raw()).isEqualTo(409);
        assertThat(holding.problemType()).isEqualTo(Api.PROBLEMS + "account-not-empty");
        assertThat(holding.json().path("balance_cents").asLong()).isEqualTo(1_000);

        // dave paid from his bank: his wallet is empty, but the debit has not settled (it could still come back)
        Api.Person dave = api.newUser("dave");
        Api.Person bob = api.newUser("bob");
        api.addVerifiedBank(dave);
        assertThat(api.transfer(dave, bob.id(), 800, UUID.randomUUID().toString())
                        .status())
                .isEqualTo(201);
        assertThat(api.balance(dave)).isZero();
        Api.Response inFlight = close(dave, PASSWORD);
        assertThat(inFlight.status()).as(inFlight.raw()).isEqualTo(409);
        assertThat(inFlight.json().path("bank_debits_unsettled").asLong()).isEqualTo(1);
        assertThat(inFlight.json().has("balance_cents")).isFalse();

        // both stay open, and nothing of theirs was touched
        for (Api.Person p : List.of(alice, dave)) {
            assertThat(api.get("/v1/me", p.token()).status()).isEqualTo(200);
            assertThat(db.queryForObject("SELECT status FROM users WHERE id = ?", String.class, p.id()))
                    .isEqualTo("active");
        }
        assertThat(count("SELECT count(*) FROM payment_methods WHERE user_id = ? AND NOT removed", dave.id()))
                .isEqualTo(1);
    }

    /**
     * Tokens carry no state, so an instance asks the database whether a token's account is closed, and trusts the
     * answer for {@code closed-check-interval} (2 s in the tests): an account closed through another instance (here,
     * its committed row, written as that instance's closure writes it) stops this instance's tokens once that passes.
     */
    @Test
    void anAccountClosedThroughAnotherInstanceStopsItsTokensHereWithinTheCheckInterval() {
        Api.Person alice = api.newUser("alice");
        assertThat(api.get("/v1/me", alice.token()).status()).as("read as open").isEqualTo(200);
        db.update(
                "UPDATE users SET status = 'closed', closed_at = clock_timestamp(), email = NULL, phone = NULL,"
                        + " password_hash = NULL, avatar_url = NULL, display_name = 'Closed account' WHERE id = ?",
                alice.id());
        await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> api.get("/v1/me", alice.token()).status() == 401);
        assertThat(api.get("/v1/me/wallet", alice.token()).status()).isEqualTo(401);
    }

    /**
     * A closure sent with payments out of the same wallet, funded by the bank (each leaves a bank debit in flight),
     * end to end: either payments ran first and the closure finds their debits and refuses, saying how many (those committed
     * before it looked: a payment committing after the refusal is one of an open account), or the
     * closure ran first and every payment after it finds the account closed. (The closure checks the password
     * before it takes any lock, so here the payments have mostly won; that the closure waits for a debit holding the
     * wallet is the next test's.)
     */
    @Test
    void aClosureRacingPaymentsOutOfTheWalletNeverClosesItWithMoneyInFlight() throws Exception {
        Api.Person bob = api.newUser("bob");
        int closedRounds = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Api.Person alice = api.newUser("alice");
            api.addVerifiedBank(alice);
            List<Callable<Api.Response>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(() -> pay(alice, bob, 250, "private"));
            }
            calls.add(() -> close(alice, PASSWORD));
            List<Api.Response> outcomes = Concurrently.run(calls.size(), calls::get);
            Api.Response closure = outcomes.get(calls.size() - 1);
            long paid = outcomes.subList(0, 4).stream()
                    .filter(r -> r.status() == 201)
                    .count();
            long debits = count(
                    "SELECT count(*) FROM external_charges WHERE user_id = ? AND status IN ('pending', 'submitted')",
                    alice.id());
            assertThat(debits).as("round %d", round).isEqualTo(paid);
            String status = db.queryForObject("SELECT status FROM users WHERE id = ?", String.class, alice.id());
            if (closure.status() == 200) {
                closedRounds++;
                assertThat(status).isEqualTo("closed");
                assertThat(debits)
                        .as("closed with money in flight, round %d", round)
                        .isZero();
            } else {
                assertThat(closure.problemType()).as(closure.raw()).isEqualTo(Api.PROBLEMS + "account-not-empty");
                // the debits committed before the closure looked: at least one (else it would have closed), at most
                // every payment made (a payment that committed after the refusal was made on an open account)
                assertThat(closure.json().path("bank_debits_unsettled").asLong())
                        .as("round %d", round)
                        .isBetween(1L, paid);
                assertThat(status).isEqualTo("active");
            }
        }
        System.out.printf("AccountClosureIT: closed first in %d of %d rounds%n", closedRounds, ROUNDS);
    }

    /**
     * The closure takes the wallet's lock, as every debit does: while a debit holds it (here a transaction of the
     * test's own, standing for a bank-funded payment) the closure waits, and once the debit commits the closure sees
     * the bank debit it left and refuses. Without the lock it would look before that commit and close an account with
     * money in flight.
     */
    @Test
    void aClosureWaitsForADebitHoldingTheWalletAndSeesWhatItLeftInFlight() throws Exception {
        Api.Person alice = api.newUser("alice");
        UUID bank = api.addVerifiedBank(alice);
        long account = db.queryForObject(
                "SELECT id FROM ledger_accounts WHERE user_id = ? AND kind = 'wallet'", Long.class, alice.id());
        UUID debit = UUID.randomUUID();
        CompletableFuture<Api.Response> closing;
        try (java.sql.Connection debitInFlight = dataSource.getConnection()) {
            debitInFlight.setAutoCommit(false);
            try (var lock =
                    debitInFlight.prepareStatement("SELECT id FROM ledger_accounts WHERE id = ? FOR NO KEY UPDATE")) {
                lock.setLong(1, account);
                lock.executeQuery().close();
            }
            closing = CompletableFuture.supplyAsync(() -> close(alice, PASSWORD));
            // the closure's backend waits for the row
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> waitingOn(debitInFlight) > 0);
            assertThat(closing).isNotDone();
            try (var charge = debitInFlight.prepareStatement(
                    "INSERT INTO external_charges (id, user_id, payment_method_id, kind, amount_cents)"
                            + " VALUES (?, ?, ?, 'bank_debit', 500)")) {
                charge.setObject(1, debit);
                charge.setObject(2, alice.id());
                charge.setObject(3, bank);
                charge.executeUpdate();
            }
            debitInFlight.commit();
        }
        try {
            Api.Response refused = closing.get(30, TimeUnit.SECONDS);
            assertThat(refused.status()).as(refused.raw()).isEqualTo(409);
            assertThat(refused.json().path("bank_debits_unsettled").asLong()).isEqualTo(1);
            assertThat(db.queryForObject("SELECT status FROM users WHERE id = ?", String.class, alice.id()))
                    .isEqualTo("active");
        } finally {
            // the stand-in debit moved no money: it goes, so that nothing else in the suite meets it
            db.update("DELETE FROM external_charges WHERE id = ?", debit);
        }
    }

    /**
     * A friend request, a payment request and a schedule naming an account while its closure commits: each waits for
     * the closure's lock on the user's row (taken here by the test's own transaction, as the closure takes it), and
     * then finds nobody. Without their lock they were made beside the closure and outlived it, listed to their maker.
     */
    @Test
    void requestsNamingAnAccountAsItClosesWaitForTheClosureAndFindNobody() throws Exception {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        List<CompletableFuture<Api.Response>> crossing = new ArrayList<>();
        try (java.sql.Connection closure = dataSource.getConnection()) {
            closure.setAutoCommit(false);
            try (var lock = closure.prepareStatement("SELECT id FROM users WHERE id = ? FOR NO KEY UPDATE")) {
                lock.setObject(1, alice.id());
                lock.executeQuery().close();
            }
            crossing.add(CompletableFuture.supplyAsync(() -> api.befriend(bob, alice.id())));
            crossing.add(CompletableFuture.supplyAsync(() -> api.requestMoney(bob, alice.id())));
            crossing.add(CompletableFuture.supplyAsync(() -> api.scheduleMonthly(bob, alice.id())));
            // all three backends wait for the row
            await().atMost(java.time.Duration.ofSeconds(30)).until(() -> waitingOn(closure) == 3);
            assertThat(crossing).noneMatch(CompletableFuture::isDone);
            try (var closing = closure.prepareStatement("UPDATE users SET status = 'closed', closed_at ="
                    + " clock_timestamp(), email = NULL, phone = NULL, password_hash = NULL, avatar_url = NULL,"
                    + " display_name = 'Closed account' WHERE id = ?")) {
                closing.setObject(1, alice.id());
                closing.executeUpdate();
            }
            closure.commit();
        }
        assertThat(crossing.get(0).get(30, TimeUnit.SECONDS).status()).isEqualTo(404);
        assertThat(crossing.get(1).get(30, TimeUnit.SECONDS).problemType()).isEqualTo(Api.PROBLEMS + "unknown-payer");
        assertThat(crossing.get(2).get(30, TimeUnit.SECONDS).problemType())
                .isEqualTo(Api.PROBLEMS + "unknown-receiver");
        assertThat(count("SELECT count(*) FROM friend_requests WHERE addressee_id = ?", alice.id()))
                .isZero();
        assertThat(count("SELECT count(*) FROM payment_requests WHERE payer_id = ?", alice.id()))
                .isZero();
        assertThat(count("SELECT count(*) FROM scheduled_payments WHERE receiver_id = ?", alice.id()))
                .isZero();
    }

    /**
     * Money that reaches an account after it closed (a payment that read the receiver as open just before the closure
     * committed: credits take no lock on the receiver, so the race cannot be timed from outside; its credit is posted
     * here as a card-funded payment posts it) is sent on, once, as a standard cash-out to the bank account the person
     * verified last; an account without one keeps it, for settlement's reconciliation to report.
     */
    @Test
    void moneyReachingAClosedAccountIsSentOnOnceToTheBankItVerifiedLast() throws Exception {
        Api.Person alice = api.newUser("alice");
        api.addVerifiedBank(alice);
        UUID lastBank = api.addVerifiedBank(alice);
        Api.Person bob = api.newUser("bob");
        assertThat(close(alice, PASSWORD).status()).isEqualTo(200);
        assertThat(close(bob, PASSWORD).status()).isEqualTo(200);
        lateCredit(alice, 450);
        lateCredit(bob, 300);

        // two instances sweeping at once send it once
        assertThat(Concurrently.run(2, i -> sendOn::sendOn).stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(1);
        Map<String, Object> cashout = db.queryForMap("SELECT * FROM cashouts WHERE user_id = ?", alice.id());
        assertThat(cashout.get("speed")).isEqualTo("standard");
        assertThat(cashout.get("status")).isEqualTo("pending");
        assertThat(cashout.get("amount_cents")).isEqualTo(450L);
        assertThat(cashout.get("fee_cents")).isEqualTo(0L);
        assertThat(cashout.get("payment_method_id")).isEqualTo(lastBank);
        assertThat(walletBalance(alice)).isZero();
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE action = 'cashout.sent_on_closed' AND entity_id = ?",
                        Long.class,
                        cashout.get("id").toString()))
                .isEqualTo(1);
        // once: the next sweep finds nothing to send
        assertThat(sendOn.sendOn()).isZero();
        assertThat(count("SELECT count(*) FROM cashouts WHERE user_id = ?", alice.id()))
                .isEqualTo(1);
        // bob verified no bank: his money stays where it is
        assertThat(count("SELECT count(*) FROM cashouts WHERE user_id = ?", bob.id()))
                .isZero();
        assertThat(walletBalance(bob)).isEqualTo(300);
        LedgerInvariants.assertHold(db);
        lateCredit(bob, -300); // the shared database as it was: no closed account holding money
    }

    @Autowired
    com.wallet.api.cashout.CashoutService cashouts;

    /**
     * A closed account's money that cannot be sent on (no verified bank) is set aside as unclaimed once the account has
     * been closed for {@code wallet.cashouts.unclaimed-after} (30 days; the sweep's moment is given here): out of the
     * wallet into the ledger's unclaimed funds account, once however many instances sweep, listed and audited; not
     * before, and not while a bank can take it (the send-on does).
     */
    @Test
    void moneyThatCannotBeSentOnIsSetAsideAsUnclaimedOnceTheClosureIsThirtyDaysOld() throws Exception {
        Api.Person carol = api.newUser("carol");
        Api.Person dave = api.newUser("dave");
        api.addVerifiedBank(dave);
        assertThat(close(carol, PASSWORD).status()).isEqualTo(200);
        assertThat(close(dave, PASSWORD).status()).isEqualTo(200);
        lateCredit(carol, 650);
        lateCredit(dave, 200);
        java.time.Instant soon = java.time.Instant.now().plus(java.time.Duration.ofDays(29));
        java.time.Instant later = java.time.Instant.now().plus(java.time.Duration.ofDays(31));

        assertThat(cashouts.setAsideUnclaimed(carol.id(), soon))
                .as("29 days on")
                .isEmpty();
        assertThat(cashouts.setAsideUnclaimed(dave.id(), later))
                .as("a bank can take it")
                .isEmpty();
        assertThat(walletBalance(carol)).isEqualTo(650);
        assertThat(walletBalance(dave)).isEqualTo(200);

        List<java.util.Optional<UUID>> swept =
                Concurrently.run(2, i -> () -> cashouts.setAsideUnclaimed(carol.id(), later));
        List<UUID> entries = swept.stream().flatMap(java.util.Optional::stream).toList();
        assertThat(entries)
                .as("two instances sweeping at once set it aside once")
                .hasSize(1);
        UUID entry = entries.get(0);
        assertThat(walletBalance(carol)).isZero();
        Map<String, Object> listed = db.queryForMap("SELECT * FROM unclaimed_funds WHERE entry_id = ?", entry);
        assertThat(listed.get("user_id")).isEqualTo(carol.id());
        assertThat(listed.get("amount_cents")).isEqualTo(650L);
        assertThat(count(
                        "SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines WHERE entry_id = ? AND account_id = ?",
                        entry,
                        com.wallet.ledger.SystemAccount.UNCLAIMED_FUNDS.id().value()))
                .isEqualTo(650);
        assertThat(count(
                        "SELECT count(*) FROM audit_log WHERE action = 'wallet.unclaimed_set_aside' AND entity_id = ?",
                        carol.id().toString()))
                .isEqualTo(1);
        assertThat(cashouts.setAsideUnclaimed(carol.id(), later))
                .as("nothing left")
                .isEmpty();
        LedgerInvariants.assertHold(db);
        lateCredit(dave, -200); // the shared database as it was: no closed account holding money
    }

    private void lateCredit(Api.Person to, long cents) {
        long wallet = db.queryForObject(
                "SELECT id FROM ledger_accounts WHERE user_id = ? AND kind = 'wallet'", Long.class, to.id());
        new org.springframework.transaction.support.TransactionTemplate(
                        new org.springframework.jdbc.datasource.DataSourceTransactionManager(dataSource))
                .executeWithoutResult(s -> new com.wallet.ledger.Ledger(db)
                        .post(
                                com.wallet.ledger.EntryKind.TRANSFER,
                                com.wallet.ledger.Ledger.Reference.NONE,
                                List.of(
                                        com.wallet.ledger.Ledger.Line.of(
                                                com.wallet.ledger.SystemAccount.CARD_FUNDING_CLEARING,
                                                com.wallet.ledger.Money.ofCents(-cents)),
                                        new com.wallet.ledger.Ledger.Line(
                                                com.wallet.ledger.AccountId.of(wallet),
                                                com.wallet.ledger.Money.ofCents(cents)))));
    }

    private long walletBalance(Api.Person who) {
        return db.queryForObject("SELECT balance_cents FROM wallet_balances WHERE user_id = ?", Long.class, who.id());
    }

    /** How many backends wait for a lock the connection's transaction holds. */
    private long waitingOn(java.sql.Connection holder) throws java.sql.SQLException {
        return count(
                "SELECT count(*) FROM pg_locks l JOIN pg_locks h ON h.transactionid = l.transactionid AND h.granted"
                        + " WHERE NOT l.granted AND l.locktype = 'transactionid' AND h.pid = ?",
                pid(holder));
    }

    private static int pid(java.sql.Connection connection) throws java.sql.SQLException {
        try (var s = connection.createStatement();
                var rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
