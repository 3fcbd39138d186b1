package com.wallet.settlement.reconciliation;

import com.wallet.common.partners.PartnerClient;
import com.wallet.ledger.EntryKind;
import com.wallet.ledger.Ledger;
import com.wallet.ledger.Ledger.Line;
import com.wallet.ledger.Money;
import com.wallet.ledger.SystemAccount;
import com.wallet.settlement.PartnerSteps;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Books the card network's settlement (reconciliation's first step): the items of its report of a closed day (a
 * capture, a void of an earlier capture, a payout, each with its fee) that no run has booked yet, as one ledger entry
 * ({@link EntryKind#CARD_SETTLEMENT}). Each item is booked once ({@code card_settlement_items}, keyed by type and id),
 * so a day booked again, or a report that gained items since, books only what is new. The report is fetched with no
 * transaction open ({@link PartnerSteps}); the items and the entry are written in one transaction.
 *
 * <p>The lines: card funding clearing is credited with the captures the network settled less its voids (it was
 * debited by the card-funded payments), cashout clearing debited with what the network paid out for us (it was
 * credited by the instant cashouts), {@link SystemAccount#CARD_NETWORK_FEES} debited with its fees, and our settlement
 * bank with the net the network pays us (credited when it is negative: payouts beyond captures).
 */
@Component
public class CardSettlementBooking {

    private static final Logger log = LoggerFactory.getLogger(CardSettlementBooking.class);

    private final JdbcClient jdbc;
    private final Ledger ledger;
    private final PartnerClient cardNetwork;
    private final PartnerSteps steps;

    CardSettlementBooking(JdbcClient jdbc, Ledger ledger, PartnerClient cardNetwork, PartnerSteps steps) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.cardNetwork = cardNetwork;
        this.steps = steps;
    }

    /** Books the items of {@code day}'s report not booked yet; answers how many it booked. */
    public int book(LocalDate day) {
        JsonNode report = cardNetwork.get("/card/settlement?date=" + day).orElseThrow();
        List<String> types = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Long> amounts = new ArrayList<>();
        List<Long> fees = new ArrayList<>();
        for (JsonNode item : report.path("items")) {
            types.add(item.path("type").asString());
            ids.add(item.path("id").asString());
            amounts.add(item.path("amount_cents").asLong());
            fees.add(item.path("fee_cents").asLong());
        }
        if (ids.isEmpty()) {
            return 0;
        }
        UUID entryId = UUID.randomUUID();
        int booked = steps.inTransaction(() -> {
            // the items no run booked before (a run beside this one waits on the key, then inserts none of them)
            List<Item> fresh = jdbc.sql("INSERT INTO card_settlement_items"
                            + " (type, item_id, business_date, amount_cents, fee_cents, entry_id)"
                            + " SELECT t, i, ?, a, f, ? FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[])"
                            + " AS x(t, i, a, f) ORDER BY t, i ON CONFLICT DO NOTHING"
                            + " RETURNING type, amount_cents, fee_cents")
                    .params(
                            day,
                            entryId,
                            types.toArray(String[]::new),
                            ids.toArray(String[]::new),
                            amounts.toArray(Long[]::new),
                            fees.toArray(Long[]::new))
                    .query((rs, n) ->
                            new Item(rs.getString(1), Money.ofCents(rs.getLong(2)), Money.ofCents(rs.getLong(3))))
                    .list();
            if (!fresh.isEmpty()) {
                ledger.post(entryId, EntryKind.CARD_SETTLEMENT, Ledger.Reference.NONE, lines(fresh));
            }
            return fresh.size();
        });
        if (booked > 0) {
            log.info("card settlement of {}: {} new item(s) booked, entry {}", day, booked, entryId);
        }
        return booked;
    }

    /** An item of the network's report: {@code capture}, {@code void} (of an earlier capture) or {@code payout}. */
    record Item(String type, Money amount, Money fee) {}

    /** The entry's lines for {@code items}: only those not zero (every item has a fee or moves money). */
    static List<Line> lines(List<Item> items) {
        Money settled = Money.ZERO; // captures less voids: what the network owes us for card-funded payments
        Money paidOut = Money.ZERO;
        Money fees = Money.ZERO;
        for (Item item : items) {
            switch (item.type()) {
                case "capture" -> settled = settled.plus(item.amount());
                case "void" -> settled = settled.minus(item.amount());
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
