package com.wallet.api.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import com.wallet.ledger.Money;
import org.junit.jupiter.api.Test;

class FundingTest {

    private static Funding plan(long amount, long available, boolean bank, boolean card) {
        return Funding.plan(Money.ofCents(amount), Money.ofCents(available), bank, card, 300);
    }

    @Test
    void theBalanceComesFirstAndIsFree() {
        assertThat(plan(500, 800, true, true))
                .isEqualTo(new Funding(Money.ofCents(500), Money.ZERO, Money.ZERO, Money.ZERO));
        assertThat(plan(500, 800, true, true).source()).isEqualTo("balance");
    }

    @Test
    void theBankCoversTheRestForFree() {
        assertThat(plan(500, 200, true, true))
                .isEqualTo(new Funding(Money.ofCents(200), Money.ofCents(300), Money.ZERO, Money.ZERO));
    }

    @Test
    void withoutABankTheCardCoversTheRestWithAFee() {
        Funding funding = plan(1_200, 150, false, true);
        assertThat(funding)
                .isEqualTo(new Funding(Money.ofCents(150), Money.ZERO, Money.ofCents(1_050), Money.ofCents(32)));
        assertThat(funding.source()).isEqualTo("card");
    }

    @Test
    void aNegativeBalanceContributesNothing() {
        assertThat(plan(100, -40, true, false).balance()).isEqualTo(Money.ZERO);
        assertThat(plan(100, -40, true, false).bank()).isEqualTo(Money.ofCents(100));
    }

    @Test
    void withNothingToCoverTheRestItIsInsufficientFunds() {
        assertThatThrownBy(() -> plan(100, 99, false, false)).isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.problem()).isEqualTo(Problem.INSUFFICIENT_FUNDS);
            assertThat(e.details()).containsEntry("available_cents", 99L);
        });
    }
}
