package com.wallet.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void arithmeticIsExact() {
        assertThat(Money.ofCents(1_999).plus(Money.ofCents(1)).cents()).isEqualTo(2_000);
        assertThat(Money.ofCents(5).minus(Money.ofCents(7)).cents()).isEqualTo(-2);
    }

    @Test
    void overflowIsAnErrorNotAWrap() {
        assertThatThrownBy(() -> Money.ofCents(Long.MAX_VALUE).plus(Money.ofCents(1)))
                .isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Money.ofCents(Long.MIN_VALUE).negate()).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Money.ofCents(Long.MAX_VALUE / 2).percentOf(300))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void percentagesRoundHalfUpToTheCent() {
        assertThat(Money.ofCents(1_050).percentOf(300).cents()).isEqualTo(32); // 31.5
        assertThat(Money.ofCents(1_049).percentOf(300).cents()).isEqualTo(31); // 31.47
        assertThat(Money.ofCents(16).percentOf(300).cents()).isEqualTo(0); // 0.48
        assertThat(Money.ofCents(17).percentOf(300).cents()).isEqualTo(1); // 0.51
        assertThat(Money.ofCents(1_000).percentOf(175).cents()).isEqualTo(18); // 17.5
    }
}
