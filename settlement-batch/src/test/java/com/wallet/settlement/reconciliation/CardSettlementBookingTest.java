package com.wallet.settlement.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.wallet.ledger.Ledger.Line;
import com.wallet.ledger.Money;
import com.wallet.ledger.SystemAccount;
import com.wallet.settlement.reconciliation.CardSettlementBooking.Item;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lines of a card settlement entry, from its items (the booking itself: SettlementIT). */
class CardSettlementBookingTest {

    private static Item item(String type, long cents, long fee) {
        return new Item(type, Money.ofCents(cents), Money.ofCents(fee));
    }

    @Test
    void payoutsBeyondCapturesTakeTheNetFromTheBank() {
        List<Line> lines = CardSettlementBooking.lines(
                List.of(item("capture", 1_000, 25), item("void", 400, 0), item("payout", 900, 25)));
        // captures less voids 600 off card clearing, payouts 900 off cashout clearing, fees 50: the bank pays 350
        assertThat(lines)
                .containsExactly(
                        Line.of(SystemAccount.CARD_FUNDING_CLEARING, Money.ofCents(600)),
                        Line.of(SystemAccount.CASHOUT_CLEARING, Money.ofCents(-900)),
                        Line.of(SystemAccount.CARD_NETWORK_FEES, Money.ofCents(-50)),
                        Line.of(SystemAccount.SETTLEMENT_BANK, Money.ofCents(350)));
    }

    @Test
    void capturesAloneLeaveNoCashoutLine() {
        assertThat(CardSettlementBooking.lines(List.of(item("capture", 309, 15))))
                .containsExactly(
                        Line.of(SystemAccount.CARD_FUNDING_CLEARING, Money.ofCents(309)),
                        Line.of(SystemAccount.CARD_NETWORK_FEES, Money.ofCents(-15)),
                        Line.of(SystemAccount.SETTLEMENT_BANK, Money.ofCents(-294)));
    }

    @Test
    void aChargebackComesOffCardClearingAndItsFeeOffTheNet() {
        // a capture of 2,060 and its chargeback the same day, fees 41 and 1,500: card clearing nets to 0 here (the
        // payer's wallet pays it back in an entry of its own), the bank pays the fees
        assertThat(CardSettlementBooking.lines(List.of(item("capture", 2_060, 41), item("chargeback", 2_060, 1_500))))
                .containsExactly(
                        Line.of(SystemAccount.CARD_NETWORK_FEES, Money.ofCents(-1_541)),
                        Line.of(SystemAccount.SETTLEMENT_BANK, Money.ofCents(1_541)));
    }

    @Test
    void aChargebackReversedComesBackOnCardClearing() {
        assertThat(CardSettlementBooking.lines(List.of(item("chargeback_reversal", 2_060, 0))))
                .containsExactly(
                        Line.of(SystemAccount.CARD_FUNDING_CLEARING, Money.ofCents(2_060)),
                        Line.of(SystemAccount.SETTLEMENT_BANK, Money.ofCents(-2_060)));
    }

    @Test
    void fraudReasonsAreTheCardholderDenyingTheCharge() {
        assertThat(List.of("10.1", "10.4", "10.5", "4837", "4863", "4871")).allMatch(CardSettlementBooking::isFraud);
        assertThat(List.of("13.1", "13.3", "12.6.1", "4853", "4855", "11.1", "104", "1.4"))
                .noneMatch(CardSettlementBooking::isFraud);
        assertThat(CardSettlementBooking.isFraud(null)).isFalse();
    }

    @Test
    void anItemOfAnotherTypeIsRefused() {
        assertThatThrownBy(() -> CardSettlementBooking.lines(List.of(item("refund", 100, 0))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refund");
    }
}
