package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.wallet.ledger.AccountId;
import com.wallet.ledger.EntryKind;
import com.wallet.ledger.HoldKind;
import com.wallet.ledger.HoldStatus;
import com.wallet.ledger.Ledger;
import com.wallet.ledger.Ledger.Hold;
import com.wallet.ledger.Ledger.Line;
import com.wallet.ledger.Ledger.Reference;
import com.wallet.ledger.LedgerException;
import com.wallet.ledger.Money;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.support.TransactionTemplate;

/** The ledger's holds on the real database: each ends exactly once, whatever races it. */
@ApiIT
class HoldsIT extends ApiIT.Base {

    @Autowired
    Ledger ledger;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    javax.sql.DataSource dataSource;

    private Hold hold(Api.Person owner, long cents, Duration expiresIn) {
        return tx.execute(s -> ledger.hold(
                ledger.lockWallet(owner.id()), HoldKind.INSTANT_CASHOUT, Money.ofCents(cents), null, expiresIn));
    }

    private AccountId wallet(Api.Person user) {
        return ledger.readWallet(user.id()).orElseThrow().accountId();
    }

    private long held(Api.Person user) {
        return ledger.readWallet(user.id()).orElseThrow().held().cents();
    }

    @Test
    void fiftyThreadsPostingAndVoidingOneHoldEndItExactlyOnce() throws Exception {
        for (int round = 0; round < 3; round++) {
            Api.Person payer = api.newUser("payer");
            Api.Person payee = api.newUser("payee");
            api.fund(payer, 10_000);
            Hold hold = hold(payer, 6_000, Duration.ofHours(1));
            assertThat(held(payer)).isEqualTo(6_000);
            AccountId to = wallet(payee);

            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(50);
            List<Future<String>> outcomes = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    boolean post = i % 2 == 0;
                    Callable<String> attempt = () -> {
                        start.await();
                        try {
                            tx.executeWithoutResult(s -> {
                                if (post) {
                                    ledger.postHold(
                                            hold.id(),
                                            Money.ofCents(6_000),
                                            EntryKind.TRANSFER,
                                            Reference.NONE,
                                            List.of(new Line(to, Money.ofCents(6_000))));
                                } else {
                                    ledger.voidHold(hold.id());
                                }
                            });
                            return post ? "posted" : "voided";
                        } catch (LedgerException.HoldEnded e) {
                            return "ended";
                        }
                    };
                    outcomes.add(pool.submit(attempt));
                }
                start.countDown();
                List<String> results = new ArrayList<>();
                for (Future<String> f : outcomes) {
                    results.add(f.get());
                }
                assertThat(results.stream().filter(r -> !r.equals("ended")))
                        .as("exactly one of 50 racing posts and voids wins")
                        .hasSize(1);
                String winner = results.stream()
                        .filter(r -> !r.equals("ended"))
                        .findFirst()
                        .orElseThrow();
                Hold ended = ledger.findHold(hold.id()).orElseThrow();
                assertThat(ended.status().dbName()).isEqualTo(winner);
                assertThat(held(payer)).isZero();
                assertThat(api.balance(payer)).isEqualTo(winner.equals("posted") ? 4_000 : 10_000);
                assertThat(api.balance(payee)).isEqualTo(winner.equals("posted") ? 6_000 : 0);
                LedgerInvariants.assertHold(db);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aPartialPostMovesPartAndReleasesTheRest() {
        Api.Person payer = api.newUser("payer");
        Api.Person payee = api.newUser("payee");
        api.fund(payer, 10_000);
        Hold hold = hold(payer, 5_000, Duration.ofHours(1));
        assertThat(api.get("/v1/me/wallet", payer.token())
                        .json()
                        .path("available_cents")
                        .asLong())
                .isEqualTo(5_000);

        tx.executeWithoutResult(s -> ledger.postHold(
                hold.id(),
                Money.ofCents(3_000),
                EntryKind.TRANSFER,
                Reference.NONE,
                List.of(new Line(wallet(payee), Money.ofCents(3_000)))));

        Hold posted = ledger.findHold(hold.id()).orElseThrow();
        assertThat(posted.status()).isEqualTo(HoldStatus.POSTED);
        assertThat(posted.posted()).contains(Money.ofCents(3_000));
        assertThat(held(payer)).isZero();
        assertThat(api.balance(payer)).isEqualTo(7_000);
        assertThat(api.balance(payee)).isEqualTo(3_000);
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> ledger.voidHold(hold.id())))
                .isInstanceOf(LedgerException.HoldEnded.class);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void anExpiredHoldCanNoLongerBePostedAndTheSweepReleasesIt() {
        Api.Person payer = api.newUser("payer");
        api.fund(payer, 1_000);
        Hold hold = hold(payer, 800, Duration.ofMillis(200));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> db.queryForObject(
                        "SELECT clock_timestamp() > expires_at FROM ledger_holds WHERE id = ?",
                        Boolean.class,
                        hold.id()));

        assertThatThrownBy(() -> tx.executeWithoutResult(s -> ledger.postHold(
                        hold.id(),
                        Money.ofCents(800),
                        EntryKind.TRANSFER,
                        Reference.NONE,
                        List.of(Line.of(com.wallet.ledger.SystemAccount.CASHOUT_CLEARING, Money.ofCents(800))))))
                .isInstanceOf(LedgerException.HoldEnded.class)
                .hasMessageContaining("expired");
        assertThat(held(payer)).as("still held until the sweep marks it").isEqualTo(800);

        List<Hold> expired = tx.execute(s -> ledger.expireHolds(1_000));
        assertThat(expired).extracting(Hold::id).contains(hold.id());
        assertThat(ledger.findHold(hold.id()).orElseThrow().status()).isEqualTo(HoldStatus.EXPIRED);
        assertThat(held(payer)).isZero();
        assertThat(api.balance(payer)).isEqualTo(1_000);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void theDatabaseRefusesAHoldBeyondTheBalanceAndAnyChangeToAnEndedHold() {
        Api.Person payer = api.newUser("payer");
        api.fund(payer, 1_000);
        assertThatThrownBy(() -> hold(payer, 1_001, Duration.ofHours(1)))
                .isInstanceOf(LedgerException.InsufficientFunds.class);
        Hold first = hold(payer, 700, Duration.ofHours(1));
        assertThatThrownBy(() -> hold(payer, 301, Duration.ofHours(1)))
                .as("what is held is not available to another hold")
                .isInstanceOf(LedgerException.InsufficientFunds.class);

        // even around the ledger code, the database keeps the wallet covering its holds
        assertThatThrownBy(() -> db.update(
                        "INSERT INTO ledger_holds (id, account_id, kind, amount_cents, expires_at)"
                                + " VALUES (?, ?, 'instant_cashout', 301, now() + interval '1 hour')",
                        UUID.randomUUID(),
                        wallet(payer).value()))
                .isInstanceOf(DataAccessException.class)
                .hasMessageContaining("ledger_accounts_wallet_covers_holds");

        tx.executeWithoutResult(s -> ledger.voidHold(first.id()));
        assertThatThrownBy(() -> db.update(
                        "UPDATE ledger_holds SET status = 'pending', resolved_at = NULL WHERE id = ?", first.id()))
                .isInstanceOf(DataAccessException.class)
                .hasMessageContaining("has ended");
        assertThatThrownBy(() -> db.update("DELETE FROM ledger_holds WHERE id = ?", first.id()))
                .isInstanceOf(DataAccessException.class);
        assertThat(held(payer)).isZero();
        LedgerInvariants.assertHold(db);
    }

    /**
     * Credits left beside a wallet's row (another transaction held it when they came) are folded in before a hold is
     * checked against the row: a hold the wallet covers only with them is accepted. Fails without the fold (the row's
     * check refuses a hold above the row's own balance).
     */
    @Test
    void aHoldCountsTheCreditsLeftBesideTheRow() throws Exception {
        Api.Person payer = api.newUser("payer");
        Api.Person owner = api.newUser("owner");
        api.fund(payer, 1_000);
        api.fund(owner, 100);
        long account = wallet(owner).value();
        HeldWalletRow held = HeldWalletRow.hold(dataSource, account);
        try {
            assertThat(api.transfer(payer, owner.id(), 400, UUID.randomUUID().toString())
                            .status())
                    .isEqualTo(201);
        } finally {
            held.close();
        }
        assertThat(db.queryForObject("SELECT count(*) FROM wallet_credits WHERE account_id = ?", Long.class, account))
                .isEqualTo(1);

        Hold hold = hold(owner, 450, Duration.ofHours(1));

        assertThat(held(owner)).isEqualTo(450);
        assertThat(db.queryForObject("SELECT count(*) FROM wallet_credits WHERE account_id = ?", Long.class, account))
                .isZero();
        tx.executeWithoutResult(s -> ledger.voidHold(hold.id()));
        assertThat(held(owner)).isZero();
        LedgerInvariants.assertHold(db);
    }
}
