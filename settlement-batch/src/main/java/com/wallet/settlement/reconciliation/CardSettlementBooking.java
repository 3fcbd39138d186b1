package com.wallet.settlement.reconciliation;

import com.wallet.common.partners.PartnerClient;
import com.wallet.ledger.AccountId;
import com.wallet.ledger.EntryKind;
import com.wallet.ledger.Ledger;
import com.wallet.ledger.Ledger.Line;
import com.wallet.ledger.Money;
import com.wallet.ledger.SqlBatch;
import com.wallet.ledger.SystemAccount;
import com.wallet.settlement.Notifications;
import com.wallet.settlement.PartnerSteps;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Books the card network's settlement (reconciliation's first step): the items of its report of a closed day (a
 * capture, a void of an earlier capture, a payout, a chargeback or its reversal, each with its fee) that no run has
 * booked yet, as one ledger entry ({@link EntryKind#CARD_SETTLEMENT}). Each item is booked once
 * ({@code card_settlement_items}, keyed by type and id), so a day booked again, or a report that gained items since,
 * books only what is new. The report is fetched with no transaction open ({@link PartnerSteps}); the items and the
 * entry are written in one transaction.
 *
 * <p>The lines: card funding clearing is credited with the captures the network settled less its voids (it was
 * debited by the card-funded payments), cashout clearing debited with what the network paid out for us (it was
 * credited by the instant cashouts), {@link SystemAccount#CARD_NETWORK_FEES} debited with its fees, and our settlement
 * bank with the net the network pays us (credited when it is negative: payouts beyond captures).
 *
 * <p>A chargeback (a cardholder's dispute of a charge that funded a payment, decided for them) is taken off card
 * funding clearing in that entry, as the network took it back, and in the same transaction taken back from the payer:
 * an entry of its own ({@link EntryKind#CARD_CHARGEBACK}) moves the charge's amount from the payer's wallet to card
 * funding clearing (which then holds what it did before the chargeback), even into a debt (the wallet is restricted, as
 * for a returned bank debit); the card is disabled, the payer is told, and a case is opened ({@code card_chargebacks});
 * a chargeback for fraud also freezes card funding for the payer ({@code users.card_funding_frozen}). A chargeback of a
 * charge that is not ours, or not captured here, is booked as the network made it and taken back from nobody: card
 * funding clearing then differs from our captures, which reconciliation reports. A chargeback the network reversed (we
 * contested it and won) comes back on card funding clearing, and the payer gets back what was taken
 * ({@link EntryKind#CARD_CHARGEBACK_REVERSAL}).
 */
@Component
public class CardSettlementBooking {

    private static final Logger log = LoggerFactory.getLogger(CardSettlementBooking.class);

    private final JdbcClient jdbc;
    private final Ledger ledger;
    private final PartnerClient cardNetwork;
    private final PartnerSteps steps;
    private final MeterRegistry meters;

    CardSettlementBooking(
            JdbcClient jdbc, Ledger ledger, PartnerClient cardNetwork, PartnerSteps steps, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.cardNetwork = cardNetwork;
        this.steps = steps;
        this.meters = meters;
    }

    /** Books the items of {@code day}'s report not booked yet; answers how many it booked. */
    public int book(LocalDate day) {
        JsonNode report = cardNetwork.get("/card/settlement?date=" + day).orElseThrow();
        List<String> types = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Long> amounts = new ArrayList<>();
        List<Long> fees = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (JsonNode item : report.path("items")) {
            types.add(item.path("type").asString());
            ids.add(item.path("id").asString());
            amounts.add(item.path("amount_cents").asLong());
            fees.add(item.path("fee_cents").asLong());
            String reason = item.path("reason_code").asString(null);
            // a chargeback the network sent without its reason is booked all the same
            reasons.add(
                    item.path("type").asString().equals("chargeback") && (reason == null || reason.isBlank())
                            ? "unspecified"
                            : reason);
        }
        if (ids.isEmpty()) {
            return 0;
        }
        UUID entryId = UUID.randomUUID();
        List<Item> booked = steps.inTransaction(() -> {
            // the items no run booked before (a run beside this one waits on the key, then inserts none of them)
            List<Item> fresh = jdbc.sql("INSERT INTO card_settlement_items"
                            + " (type, item_id, business_date, amount_cents, fee_cents, reason_code, entry_id)"
                            + " SELECT t, i, ?, a, f, r, ? FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[],"
                            + " ?::text[]) AS x(t, i, a, f, r) ORDER BY t, i ON CONFLICT DO NOTHING"
                            + " RETURNING type, item_id, amount_cents, fee_cents, reason_code")
                    .params(
                            day,
                            entryId,
                            types.toArray(String[]::new),
                            ids.toArray(String[]::new),
                            amounts.toArray(Long[]::new),
                            fees.toArray(Long[]::new),
                            reasons.toArray(String[]::new))
                    .query((rs, n) -> new Item(
                            rs.getString(1),
                            rs.getString(2),
                            Money.ofCents(rs.getLong(3)),
                            Money.ofCents(rs.getLong(4)),
                            rs.getString(5)))
                    .list();
            if (!fresh.isEmpty()) {
                ledger.post(entryId, EntryKind.CARD_SETTLEMENT, Ledger.Reference.NONE, lines(fresh));
            }
            List<Item> chargebacks = fresh.stream()
                    .filter(item -> item.type().equals("chargeback"))
                    .toList();
            if (!chargebacks.isEmpty()) {
                takeBack(chargebacks, day);
            }
            List<Item> reversals = fresh.stream()
                    .filter(item -> item.type().equals("chargeback_reversal"))
                    .toList();
            if (!reversals.isEmpty()) {
                giveBack(reversals);
            }
            return fresh;
        });
        if (!booked.isEmpty()) {
            log.info("card settlement of {}: {} new item(s) booked, entry {}", day, booked.size(), entryId);
        }
        // counted once committed: what the network charged back (the chargeback ratio networks watch), fraud apart
        for (Item item : booked) {
            if (item.type().equals("chargeback")) {
                String fraud = String.valueOf(isFraud(item.reasonCode()));
                meters.counter("settlement.card.chargebacks", "fraud", fraud).increment();
                meters.counter("settlement.card.chargeback.cents", "fraud", fraud)
                        .increment(item.amount().cents());
            }
        }
        return booked.size();
    }

    /**
     * An item of the network's report: {@code capture}, {@code void} (of an earlier capture), {@code payout} or
     * {@code chargeback} (with its reason code).
     */
    record Item(String type, String id, Money amount, Money fee, String reasonCode) {
        Item(String type, Money amount, Money fee) {
            this(type, null, amount, fee, null);
        }
    }

    /** Our captured charge a chargeback names, with its payment and payer. */
    private record Charge(UUID id, UUID userId, UUID methodId, UUID transferId) {}

    /**
     * Takes chargebacks' money back from their payers (in the booking's transaction, after the entry that took it off
     * card funding clearing): each payer's wallet pays card funding clearing back, into a debt if it must; the card is
     * disabled, the payer told, a case opened. Nothing is taken for a charge that is not ours or not captured here. The
     * payers' wallets are locked at once, in the ledger's order.
     */
    private void takeBack(List<Item> chargebacks, LocalDate day) {
        UUID[] ids = chargebacks.stream()
                .map(c -> com.wallet.settlement.StepParameters.uuidOrNull(c.id()))
                .filter(java.util.Objects::nonNull)
                .toArray(UUID[]::new);
        Map<UUID, Charge> charges = new HashMap<>();
        jdbc.sql("SELECT id, user_id, payment_method_id, transfer_id FROM card_charges"
                        + " WHERE id = ANY(?) AND status = 'captured'")
                .param(ids)
                .query((rs, n) -> new Charge(
                        rs.getObject(1, UUID.class),
                        rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class),
                        rs.getObject(4, UUID.class)))
                .list()
                .forEach(c -> charges.put(c.id(), c));
        Map<UUID, Ledger.LockedWallet> wallets =
                ledger.lockWallets(charges.values().stream().map(Charge::userId).collect(Collectors.toSet()));
        // what each wallet can still give, as one report may charge one payer back twice
        Map<UUID, Money> available = new HashMap<>();
        wallets.forEach((user, wallet) -> available.put(user, wallet.available()));
        for (Item chargeback : chargebacks) {
            UUID chargeId = com.wallet.settlement.StepParameters.uuidOrNull(chargeback.id());
            Charge charge = chargeId == null ? null : charges.get(chargeId);
            if (charge == null) {
                log.warn(
                        "chargeback of {} ({} cents, reason {}): no captured charge of ours; booked, taken back from"
                                + " nobody",
                        chargeback.id(),
                        chargeback.amount().cents(),
                        chargeback.reasonCode());
                continue;
            }
            Ledger.LockedWallet wallet = wallets.get(charge.userId());
            Money shortfall =
                    chargeback.amount().minus(available.get(charge.userId())).max0();
            available.put(
                    charge.userId(),
                    available.get(charge.userId()).minus(chargeback.amount()).max0());
            takeBack(chargeback, charge, wallet, shortfall, day);
        }
    }

    /** One chargeback taken back from its payer's locked wallet, {@code shortfall} of it into a debt. */
    private void takeBack(Item chargeback, Charge charge, Ledger.LockedWallet wallet, Money shortfall, LocalDate day) {
        if (shortfall.isPositive()) {
            ledger.restrict(wallet.accountId());
        }
        UUID entry = ledger.post(
                EntryKind.CARD_CHARGEBACK,
                Ledger.Reference.transfer(charge.transferId()),
                List.of(
                        new Line(wallet.accountId(), chargeback.amount().negate()),
                        Line.of(SystemAccount.CARD_FUNDING_CLEARING, chargeback.amount())));
        jdbc.sql("INSERT INTO card_chargebacks (charge_id, transfer_id, user_id, payment_method_id, amount_cents,"
                        + " reason_code, business_date, entry_id, wallet_short_cents)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        charge.id(),
                        charge.transferId(),
                        charge.userId(),
                        charge.methodId(),
                        chargeback.amount().cents(),
                        chargeback.reasonCode(),
                        day,
                        entry,
                        shortfall.cents())
                .update();
        jdbc.sql("UPDATE payment_methods SET disabled_reason = ?, is_default = false WHERE id = ?")
                .params("card_chargeback_" + chargeback.reasonCode(), charge.methodId())
                .update();
        boolean fraud = isFraud(chargeback.reasonCode());
        if (fraud) {
            jdbc.sql("UPDATE users SET card_funding_frozen = true WHERE id = ?")
                    .param(charge.userId())
                    .update();
        }
        Notifications.store(
                jdbc,
                charge.userId(),
                "card_chargeback",
                charge.transferId(),
                "card_chargeback:" + charge.id(),
                Map.of(
                        "transfer_id", charge.transferId(),
                        "amount_cents", chargeback.amount().cents(),
                        "reason_code", chargeback.reasonCode(),
                        "payment_method_id", charge.methodId()));
        Notifications.store(
                jdbc,
                charge.userId(),
                "payment_method_disabled",
                charge.methodId(),
                "card_chargeback_disabled:" + charge.id(),
                Map.of("reason_code", chargeback.reasonCode()));
        log.info(
                "chargeback of charge {} ({} cents, reason {}) taken back from the payer's wallet (short {}); card {}"
                        + " disabled{}",
                charge.id(),
                chargeback.amount().cents(),
                chargeback.reasonCode(),
                shortfall.cents(),
                charge.methodId(),
                fraud ? ", card funding frozen for the payer (fraud)" : "");
    }

    /**
     * Gives payers back what their chargebacks took, for the chargebacks the network reversed (we contested them and
     * won): each payer's wallet gets the amount from card funding clearing (which the network's reversal credited),
     * repaying the debt first if there is one; the case is marked {@code reversed} and the payer told. The card stays
     * disabled and a freeze stays (the review decides). Nothing is given for a reversal of a chargeback we did not take
     * back.
     */
    private void giveBack(List<Item> reversals) {
        for (Item reversal : reversals) {
            UUID chargeId = com.wallet.settlement.StepParameters.uuidOrNull(reversal.id());
            Map<String, Object> taken = chargeId == null
                    ? null
                    : jdbc
                            .sql("SELECT user_id, transfer_id, amount_cents FROM card_chargebacks"
                                    + " WHERE charge_id = ? AND status <> 'reversed' FOR UPDATE")
                            .param(chargeId)
                            .query()
                            .listOfRows()
                            .stream()
                            .findFirst()
                            .orElse(null);
            if (taken == null) {
                log.warn(
                        "reversal of the chargeback of {} ({} cents): no chargeback of ours to give back; booked only",
                        reversal.id(),
                        reversal.amount().cents());
                continue;
            }
            UUID payer = (UUID) taken.get("user_id");
            UUID transfer = (UUID) taken.get("transfer_id");
            Money amount = Money.ofCents((Long) taken.get("amount_cents"));
            // a credit: the wallet needs no lock (the ledger folds it in, lifting a restriction it repays)
            SqlBatch batch = ledger.batch();
            SqlBatch.Rows<Ledger.Payee> payee = ledger.payee(batch, payer);
            batch.send();
            AccountId wallet = payee.single().accountId();
            UUID entry = ledger.post(
                    EntryKind.CARD_CHARGEBACK_REVERSAL,
                    Ledger.Reference.transfer(transfer),
                    List.of(new Line(wallet, amount), Line.of(SystemAccount.CARD_FUNDING_CLEARING, amount.negate())));
            jdbc.sql("UPDATE card_chargebacks SET status = 'reversed', reversal_entry_id = ? WHERE charge_id = ?")
                    .params(entry, chargeId)
                    .update();
            Notifications.store(
                    jdbc,
                    payer,
                    "card_chargeback_reversed",
                    transfer,
                    "card_chargeback_reversed:" + chargeId,
                    Map.of("transfer_id", transfer, "amount_cents", amount.cents()));
            log.info("chargeback of charge {} reversed: {} cents given back to the payer", chargeId, amount.cents());
        }
    }

    /**
     * Whether a chargeback's reason says the cardholder never made the charge (fraud): Visa's 10.x, Mastercard's 4837,
     * 4840, 4849, 4863, 4870 and 4871. Other reasons (not received, not as described, processing errors) dispute a
     * payment the cardholder made.
     */
    static boolean isFraud(String reasonCode) {
        return reasonCode != null
                && (reasonCode.startsWith("10.")
                        || java.util.Set.of("4837", "4840", "4849", "4863", "4870", "4871")
                                .contains(reasonCode));
    }

    /** The entry's lines for {@code items}: only those not zero (every item has a fee or moves money). */
    static List<Line> lines(List<Item> items) {
        Money settled = Money.ZERO; // captures less voids and chargebacks: what the network owes us for card payments
        Money paidOut = Money.ZERO;
        Money fees = Money.ZERO;
        for (Item item : items) {
            switch (item.type()) {
                case "capture" -> settled = settled.plus(item.amount());
                case "void", "chargeback" -> settled = settled.minus(item.amount());
                case "chargeback_reversal" -> settled = settled.plus(item.amount());
                case "payout" -> paidOut = paidOut.plus(item.amount());
                default -> throw new IllegalStateException("a card settlement item of type " + item.type());
            }
            fees = fees.plus(item.fee());
        }
        Money net = settled.minus(paidOut).minus(fees);
        List<Line> lines = new ArrayList<>();
        add(lines, SystemAccount.CARD_FUNDING_CLEARING, settled);
        add(lines, SystemAccount.CASHOUT_CLEARING, paidOut.negate());
        add(lines, SystemAccount.CARD_NETWORK_FEES, fees.negate());
        add(lines, SystemAccount.SETTLEMENT_BANK, net.negate());
        return lines;
    }

    private static void add(List<Line> lines, SystemAccount account, Money amount) {
        if (!amount.isZero()) {
            lines.add(Line.of(account, amount));
        }
    }
}
