package com.wallet.api.funding;

import com.wallet.api.partners.CardNetworkClient;
import com.wallet.api.partners.PartnerSettings;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import com.wallet.common.partners.PartnerRefusedException;
import com.wallet.common.partners.PartnerUnavailableException;
import com.wallet.ledger.SqlBatch;
import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Card charges that fund transfers, made before the money transaction and never left dangling.
 *
 * <p>{@link #charge} runs outside any transaction: it journals the charge as {@code started} (one autocommitted
 * statement), then calls the network holding neither a lock nor a database connection. The money transaction that
 * follows marks it {@code captured} ({@link #captured}). A charge whose transfer did not commit (a refusal under the
 * lock, a rollback, a crash) is voided: right after the request by {@link #resolveSoon}, and by a sweep for anything
 * older than {@code wallet.partners.sweep.resolve-after}. Voiding is fenced: the row goes to {@code voiding} first
 * (so a late capture can no longer succeed), then the network is asked, then the row is {@code voided}. Voiding is
 * idempotent at the network and safe for a charge it never took.
 */
@Component
public class CardCharges {

    private static final Logger log = LoggerFactory.getLogger(CardCharges.class);

    private final CardNetworkClient network;
    private final PaymentMethodService methods;
    private final JdbcClient jdbc;
    private final PartnerSettings settings;
    private final ExecutorService voider = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "card-charge-voider");
        t.setDaemon(true);
        return t;
    });

    CardCharges(CardNetworkClient network, PaymentMethodService methods, JdbcClient jdbc, PartnerSettings settings) {
        this.network = network;
        this.methods = methods;
        this.jdbc = jdbc;
        this.settings = settings;
    }

    /**
     * Charges the card; returns the charge id to pass to {@link #captured} in the money transaction. A decline is a
     * 422 problem (returned to the caller to store under its idempotency key); a network that is down or whose breaker
     * is open is a {@link PartnerUnavailableException} (503). Must not run inside a transaction.
     */
    public UUID charge(UUID userId, UUID methodId, long amountCents) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the card network is never called inside a database transaction");
        }
        if (network.client().open()) {
            throw network.client().unavailable("card_network circuit breaker is open", false);
        }
        String number = methods.number(methodId);
        UUID chargeId = UUID.randomUUID();
        jdbc.sql("INSERT INTO card_charges (id, user_id, payment_method_id, amount_cents, status)"
                        + " VALUES (?, ?, ?, ?, 'started')")
                .params(chargeId, userId, methodId, amountCents)
                .update();
        try {
            network.charge(chargeId, number, amountCents);
        } catch (PartnerRefusedException e) {
            if (e.status() == 402) {
                jdbc.sql("UPDATE card_charges SET status = 'declined', updated_at = now() WHERE id = ?")
                        .param(chargeId)
                        .update();
                throw new DomainException(
                        Problem.CARD_DECLINED,
                        "the card was declined by its issuer (" + e.code() + ")",
                        Map.of("payment_method_id", methodId));
            }
            resolveSoon(chargeId);
            throw network.client().unavailable("card_network refused the charge: " + e.code(), false);
        } catch (PartnerUnavailableException e) {
            resolveSoon(chargeId);
            throw e;
        }
        return chargeId;
    }

    /** In the transfer's transaction: the charge belongs to this transfer, for good. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void captured(UUID chargeId, UUID transferId) {
        int updated = jdbc.sql("UPDATE card_charges SET status = 'captured', transfer_id = ?, updated_at = now()"
                        + " WHERE id = ? AND status = 'started'")
                .params(transferId, chargeId)
                .update();
        if (updated != 1) {
            throw new IllegalStateException("card charge " + chargeId + " was resolved while its transfer ran");
        }
    }

    /**
     * {@link #captured(UUID, UUID)} as a statement of {@code batch} (after the transfer's insert): if the charge was
     * resolved meanwhile the statement fails, and the transaction with it (checked in SQL, as the batch may commit).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void captured(SqlBatch batch, UUID chargeId, UUID transferId) {
        batch.query(
                "WITH c AS (UPDATE card_charges SET status = 'captured', transfer_id = ?, updated_at = now()"
                        + " WHERE id = ? AND status = 'started' RETURNING id)"
                        + " SELECT require(count(*) = 1, 'card charge ' || ? || ' was resolved while its transfer ran')"
                        + " FROM c",
                (rs, n) -> rs.getBoolean(1),
                transferId,
                chargeId,
                chargeId.toString());
    }

    /** Charges left {@code started} (or {@code voiding}) longer than any request can take. */
    @Scheduled(
            fixedDelayString = "${wallet.partners.sweep.interval}",
            initialDelayString = "${wallet.partners.sweep.interval}")
    public void sweep() {
        List<UUID> stale = jdbc.sql("SELECT id FROM card_charges WHERE status IN ('started', 'voiding')"
                        + " AND created_at < now() - ?::interval ORDER BY created_at LIMIT 100")
                .param(settings.sweep().resolveAfter().toMillis() + " milliseconds")
                .query(UUID.class)
                .list();
        stale.forEach(this::resolve);
    }

    /** After the request: voids the charge in the background unless its transfer captured it. */
    public void resolveSoon(UUID chargeId) {
        try {
            voider.execute(() -> resolve(chargeId));
        } catch (RejectedExecutionException e) {
            log.info("card charge {} left to the sweep (shutting down)", chargeId);
        }
    }

    /** Voids the charge if no transfer captured it; holds no lock and no connection while the network is called. */
    void resolve(UUID chargeId) {
        int fenced = jdbc.sql("UPDATE card_charges SET status = 'voiding', updated_at = now()"
                        + " WHERE id = ? AND status IN ('started', 'voiding')")
                .param(chargeId)
                .update();
        if (fenced == 0) {
            return; // captured, declined or voided already
        }
        try {
            network.voidCharge(chargeId);
            jdbc.sql(
                            "UPDATE card_charges SET status = 'voided', updated_at = now() WHERE id = ? AND status = 'voiding'")
                    .param(chargeId)
                    .update();
            log.info("card charge {} voided: its transfer did not commit", chargeId);
        } catch (PartnerUnavailableException | PartnerRefusedException e) {
            log.warn("card charge {} could not be voided yet ({}); the sweep will retry", chargeId, e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        voider.shutdown();
    }
}
