package com.wallet.api.funding;

import com.wallet.api.partners.CardNetworkClient;
import com.wallet.api.partners.Journal;
import com.wallet.api.partners.PartnerSettings;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import com.wallet.common.partners.PartnerRefusedException;
import com.wallet.common.partners.PartnerUnavailableException;
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
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Card charges that fund transfers, never left dangling. Before the network is asked, the charge is journaled as
 * {@code started} in a transaction of its own; the transfer's transaction marks it {@code captured}. A charge whose
 * transfer did not commit (rollback, a later failure, a crash) is still {@code started} afterwards, and is voided at
 * the network: right after the transaction ends, and by a sweep for anything older than
 * {@code wallet.partners.sweep.resolve-after} (a crash, or a network that was down for the void). Voiding is
 * idempotent and safe for a charge the network never took.
 */
@Component
public class CardCharges {

    private static final Logger log = LoggerFactory.getLogger(CardCharges.class);

    private final CardNetworkClient network;
    private final PaymentMethodService methods;
    private final Journal journal;
    private final JdbcClient jdbc;
    private final PartnerSettings settings;
    private final ExecutorService voider = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "card-charge-voider");
        t.setDaemon(true);
        return t;
    });

    CardCharges(
            CardNetworkClient network,
            PaymentMethodService methods,
            Journal journal,
            JdbcClient jdbc,
            PartnerSettings settings) {
        this.network = network;
        this.methods = methods;
        this.journal = journal;
        this.jdbc = jdbc;
        this.settings = settings;
    }

    /**
     * Charges the card inside the caller's transaction (which holds the wallet locks); returns the charge id to pass
     * to {@link #captured} once the transfer row exists. A decline is a 422 problem; a network that is down or whose
     * breaker is open is a {@link PartnerUnavailableException} (503), and the transaction must roll back.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID charge(UUID userId, UUID methodId, long amountCents) {
        if (network.client().open()) {
            throw network.client().unavailable("card_network circuit breaker is open", false);
        }
        String number = methods.number(methodId);
        UUID chargeId = UUID.randomUUID();
        journal.jdbc()
                .sql("INSERT INTO card_charges (id, user_id, payment_method_id, amount_cents, status)"
                        + " VALUES (?, ?, ?, ?, 'started')")
                .params(chargeId, userId, methodId, amountCents)
                .update();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                resolveSoon(chargeId);
            }
        });
        try {
            network.charge(chargeId, number, amountCents);
        } catch (PartnerRefusedException e) {
            if (e.status() == 402) {
                journal.jdbc()
                        .sql("UPDATE card_charges SET status = 'declined', updated_at = now() WHERE id = ?")
                        .param(chargeId)
                        .update();
                throw new DomainException(
                        Problem.CARD_DECLINED,
                        "the card was declined by its issuer (" + e.code() + ")",
                        Map.of("payment_method_id", methodId));
            }
            throw network.client().unavailable("card_network refused the charge: " + e.code(), false);
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

    /** Charges left {@code started} longer than any request can take: their transfers never committed. */
    @Scheduled(
            fixedDelayString = "${wallet.partners.sweep.interval}",
            initialDelayString = "${wallet.partners.sweep.interval}")
    public void sweep() {
        List<UUID> stale = journal.jdbc()
                .sql("SELECT id FROM card_charges WHERE status = 'started' AND created_at < now() - ?::interval"
                        + " ORDER BY created_at LIMIT 100")
                .param(settings.sweep().resolveAfter().toMillis() + " milliseconds")
                .query(UUID.class)
                .list();
        stale.forEach(this::resolve);
    }

    private void resolveSoon(UUID chargeId) {
        try {
            voider.execute(() -> resolve(chargeId));
        } catch (RejectedExecutionException e) {
            log.info("card charge {} left to the sweep (shutting down)", chargeId);
        }
    }

    /** Voids the charge if it is still {@code started} once no transaction holds it. */
    void resolve(UUID chargeId) {
        try {
            journal.tx().executeWithoutResult(status -> {
                String state = journal.jdbc()
                        .sql("SELECT status FROM card_charges WHERE id = ? FOR UPDATE")
                        .param(chargeId)
                        .query(String.class)
                        .single();
                if (!"started".equals(state)) {
                    return;
                }
                network.voidCharge(chargeId);
                journal.jdbc()
                        .sql("UPDATE card_charges SET status = 'voided', updated_at = now() WHERE id = ?")
                        .param(chargeId)
                        .update();
                log.info("card charge {} voided: its transfer did not commit", chargeId);
            });
        } catch (PartnerUnavailableException | PartnerRefusedException e) {
            log.warn("card charge {} could not be voided yet ({}); the sweep will retry", chargeId, e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        voider.shutdown();
    }
}
