package com.wallet.sim;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A card network: charges (authorize and capture in one call), voids and push-to-card payouts, each idempotent by the
 * caller's id. Cards whose number ends in {@code 0002} are declined, as in the networks' own test ranges. Voiding an
 * id the network never charged leaves a tombstone, so a charge arriving late under that id is refused rather than
 * taken. A cardholder's dispute of a captured charge becomes a chargeback (raised through the simulator's control
 * calls): the network takes the charge's amount back from us, with a fee, in the settlement of the day it is raised.
 */
public final class CardNetwork {

    public enum Status {
        CAPTURED,
        VOIDED,
        PAID,
        /** A payout id cancelled before any payout under it: none will be made. */
        CANCELLED
    }

    /**
     * @param date the UTC day it was captured or paid (the network's settlement day for it)
     * @param voidedOn the UTC day a capture was voided, if it was
     */
    public record Operation(
            String id, String last4, long amountCents, Status status, LocalDate date, LocalDate voidedOn) {}

    /**
     * One line of a day's settlement report: {@code capture}, {@code void}, {@code payout}, {@code chargeback} or
     * {@code chargeback_reversal} (the id is the charge's; {@code reasonCode} the dispute's, null for the other types).
     */
    public record SettlementItem(String id, String type, long amountCents, long feeCents, String reasonCode) {
        SettlementItem(String id, String type, long amountCents, long feeCents) {
            this(id, type, amountCents, feeCents, null);
        }
    }

    /**
     * A cardholder's dispute that the issuer decided for them: the network takes {@code amountCents} (the whole
     * captured charge) back from us in the settlement of {@code date}, with {@link #CHARGEBACK_FEE_CENTS}. If we
     * contest it and the issuer decides for us (a representment won), the network pays it back in the settlement of
     * {@code reversedOn} (the fee stays).
     *
     * @param id the charge's id
     * @param reasonCode the dispute's reason, as the network codes it (Visa's "10.4" is fraud with the card absent,
     *     "13.1" merchandise or services not received, for example)
     */
    public record Chargeback(String id, long amountCents, String reasonCode, LocalDate date, LocalDate reversedOn) {}

    /**
     * What the network settles with us for one UTC day: captures (less those voided the same day, which never
     * settle), voids of earlier captures, payouts, chargebacks and their reversals, and its fees (1.5% + 10 cents per
     * capture, 25 cents per payout, $15 per chargeback). {@code chargedBackCents} is the chargebacks less their
     * reversals; {@code netCents} is what it pays us: captures less voids, payouts, chargebacks (less reversals) and
     * fees.
     */
    public record SettlementReport(
            LocalDate date,
            List<SettlementItem> items,
            long capturedCents,
            long voidedCents,
            long paidOutCents,
            long chargedBackCents,
            long feesCents,
            long netCents) {}

    /** A call the network refuses; {@code code} is what a client shows its users. */
    public static final class Refused extends RuntimeException {
        private final int httpStatus;
        private final String code;

        Refused(int httpStatus, String code, String message) {
            super(message);
            this.httpStatus = httpStatus;
            this.code = code;
        }

        public int httpStatus() {
            return httpStatus;
        }

        public String code() {
            return code;
        }
    }

    private volatile Clock clock = Clock.systemUTC();
    private final Map<String, Operation> charges = new ConcurrentHashMap<>();
    private final Map<String, Operation> payouts = new ConcurrentHashMap<>();
    private final Map<String, Chargeback> chargebacks = new ConcurrentHashMap<>();
    /** Told of every change (the simulator's state journal, when it has a data directory). */
    volatile java.util.function.BiConsumer<String, Object> recorder = (type, value) -> {};

    /** Puts back a change read from the state journal. */
    void restore(String type, Operation op) {
        Operation dated = op;
        if (op.date() == null && op.amountCents() > 0 && op.status() != Status.CANCELLED) {
            // written by a simulator that did not date its operations: they settle on the day they are read back, and
            // one voided then is voided that same day (so it settles as neither a capture nor a void)
            LocalDate day = today();
            dated = new Operation(
                    op.id(),
                    op.last4(),
                    op.amountCents(),
                    op.status(),
                    day,
                    op.status() == Status.VOIDED && op.voidedOn() == null ? day : op.voidedOn());
        }
        (type.equals("charge") ? charges : payouts).put(op.id(), dated);
    }

    /** Puts back a chargeback read from the state journal. */
    void restore(Chargeback chargeback) {
        chargebacks.put(chargeback.id(), chargeback);
    }

    /** The clock that dates operations (tests move it to make a day of their own). */
    public void clock(Clock value) {
        this.clock = value;
    }

    private LocalDate today() {
        return LocalDate.now(clock);
    }

    public Operation charge(String id, String cardNumber, long amountCents) {
        check(cardNumber, amountCents);
        Operation charge = charges.computeIfAbsent(
                id, k -> new Operation(id, last4(cardNumber), amountCents, Status.CAPTURED, today(), null));
        if (charge.status() == Status.VOIDED && charge.amountCents() == 0) {
            throw new Refused(409, "charge_voided", "charge " + id + " was voided before it arrived");
        }
        if (charge.amountCents() != amountCents || !charge.last4().equals(last4(cardNumber))) {
            throw new Refused(409, "id_reused", "charge " + id + " exists with other parameters");
        }
        recorder.accept("charge", charge);
        return charge;
    }

    /** Voids a charge; voiding an unknown id records that no charge may be taken under it any more. */
    public Operation voidCharge(String id) {
        Operation voided = charges.compute(
                id,
                (k, charge) -> charge == null
                        ? new Operation(id, "", 0, Status.VOIDED, null, today())
                        : charge.status() == Status.VOIDED
                                ? charge
                                : new Operation(
                                        id,
                                        charge.last4(),
                                        charge.amountCents(),
                                        Status.VOIDED,
                                        charge.date(),
                                        today()));
        recorder.accept("charge", voided);
        return voided;
    }

    public Operation payout(String id, String cardNumber, long amountCents) {
        check(cardNumber, amountCents);
        Operation payout = payouts.computeIfAbsent(
                id, k -> new Operation(id, last4(cardNumber), amountCents, Status.PAID, today(), null));
        if (payout.status() == Status.CANCELLED) {
            throw new Refused(409, "payout_cancelled", "payout " + id + " was cancelled before it arrived");
        }
        if (payout.amountCents() != amountCents || !payout.last4().equals(last4(cardNumber))) {
            throw new Refused(409, "id_reused", "payout " + id + " exists with other parameters");
        }
        recorder.accept("payout", payout);
        return payout;
    }

    /**
     * Settles a payout id whose outcome the caller does not know: a payout made stays paid (and is returned as such);
     * an id never paid is cancelled, so a payout arriving late under it is refused.
     */
    public Operation cancelPayout(String id) {
        Operation settled = payouts.computeIfAbsent(id, k -> new Operation(id, "", 0, Status.CANCELLED, null, today()));
        recorder.accept("payout", settled);
        return settled;
    }

    /**
     * A chargeback of charge {@code id}, settled today: the whole captured amount goes back to the cardholder. Raising
     * it again answers the first one (a charge is charged back once). Refused for a charge the network never captured
     * (404) or voided (409), and for a reason code that is not one ({@code 10.4}, {@code 13.1}, {@code 4837}: digits,
     * with dots).
     */
    public Chargeback chargeback(String id, String reasonCode) {
        if (reasonCode == null || !reasonCode.matches("[0-9]{1,4}(\\.[0-9]{1,2}){0,2}")) {
            throw new Refused(400, "invalid_reason_code", "reason_code is the network's code, such as 10.4 or 13.1");
        }
        Operation charge = charges.get(id);
        if (charge == null || charge.amountCents() == 0) {
            throw new Refused(404, "unknown_charge", "no charge " + id);
        }
        if (charge.status() != Status.CAPTURED) {
            throw new Refused(409, "charge_voided", "charge " + id + " was voided: there is nothing to charge back");
        }
        Chargeback chargeback = chargebacks.computeIfAbsent(
                id, k -> new Chargeback(id, charge.amountCents(), reasonCode, today(), null));
        recorder.accept("chargeback", chargeback);
        return chargeback;
    }

    /**
     * The chargeback of charge {@code id} reversed today: we contested it and the issuer decided for us, so the network
     * pays the amount back (once: reversing it again answers the first reversal). 404 for a charge never charged back.
     */
    public Chargeback reverseChargeback(String id) {
        Chargeback reversed = chargebacks.computeIfPresent(
                id,
                (k, c) -> c.reversedOn() != null
                        ? c
                        : new Chargeback(c.id(), c.amountCents(), c.reasonCode(), c.date(), today()));
        if (reversed == null) {
            throw new Refused(404, "unknown_chargeback", "no chargeback of charge " + id);
        }
        recorder.accept("chargeback", reversed);
        return reversed;
    }

    public Optional<Operation> findCharge(String id) {
        return Optional.ofNullable(charges.get(id));
    }

    public Optional<Operation> findPayout(String id) {
        return Optional.ofNullable(payouts.get(id));
    }

    /** The settlement report of one UTC day. */
    public SettlementReport settlement(LocalDate day) {
        List<SettlementItem> items = new ArrayList<>();
        long captured = 0;
        long voided = 0;
        long paidOut = 0;
        long fees = 0;
        for (Operation c : charges.values()) {
            if (c.amountCents() == 0 || c.date() == null) {
                continue; // a tombstone: nothing was charged
            }
            if (day.equals(c.date()) && !day.equals(c.voidedOn())) {
                long fee = captureFee(c.amountCents());
                items.add(new SettlementItem(c.id(), "capture", c.amountCents(), fee));
                captured += c.amountCents();
                fees += fee;
            }
            if (day.equals(c.voidedOn()) && !day.equals(c.date())) {
                items.add(new SettlementItem(c.id(), "void", c.amountCents(), 0));
                voided += c.amountCents();
            }
        }
        for (Operation p : payouts.values()) {
            if (p.status() == Status.PAID && day.equals(p.date())) {
                items.add(new SettlementItem(p.id(), "payout", p.amountCents(), PAYOUT_FEE_CENTS));
                paidOut += p.amountCents();
                fees += PAYOUT_FEE_CENTS;
            }
        }
        long chargedBack = 0;
        for (Chargeback c : chargebacks.values()) {
            if (day.equals(c.date())) {
                items.add(new SettlementItem(
                        c.id(), "chargeback", c.amountCents(), CHARGEBACK_FEE_CENTS, c.reasonCode()));
                chargedBack += c.amountCents();
                fees += CHARGEBACK_FEE_CENTS;
            }
            if (day.equals(c.reversedOn())) {
                items.add(new SettlementItem(c.id(), "chargeback_reversal", c.amountCents(), 0, c.reasonCode()));
                chargedBack -= c.amountCents();
            }
        }
        items.sort(java.util.Comparator.comparing(SettlementItem::type).thenComparing(SettlementItem::id));
        return new SettlementReport(
                day,
                items,
                captured,
                voided,
                paidOut,
                chargedBack,
                fees,
                captured - voided - paidOut - chargedBack - fees);
    }

    static final long PAYOUT_FEE_CENTS = 25;

    /** What the network charges us for a chargeback, whatever its amount. */
    public static final long CHARGEBACK_FEE_CENTS = 1_500;

    /** 1.5% (rounded half up) and 10 cents. */
    static long captureFee(long amountCents) {
        return (amountCents * 15 + 500) / 1000 + 10;
    }

    /** Captured (not voided) charges: what the network will settle with the merchant. */
    public long capturedCount() {
        return charges.values().stream()
                .filter(c -> c.status() == Status.CAPTURED)
                .count();
    }

    public long payoutCount() {
        return payouts.values().stream().filter(p -> p.status() == Status.PAID).count();
    }

    private static void check(String cardNumber, long amountCents) {
        if (cardNumber == null || !cardNumber.matches("[0-9]{12,19}")) {
            throw new Refused(400, "invalid_card", "card_number must be 12-19 digits");
        }
        if (amountCents <= 0) {
            throw new Refused(400, "invalid_amount", "amount_cents must be positive");
        }
        if (cardNumber.endsWith("0002")) {
            throw new Refused(402, "card_declined", "the issuer declined the card");
        }
    }

    private static String last4(String cardNumber) {
        return cardNumber.substring(cardNumber.length() - 4);
    }
}
