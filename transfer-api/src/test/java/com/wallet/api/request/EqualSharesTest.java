package com.wallet.api.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.wallet.api.web.DomainException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EqualSharesTest {

    @Test
    void theRemainderGoesToTheFirstSharesOneCentEach() {
        assertThat(PaymentRequestService.equalShares(1_000, 3)).containsExactly(334L, 333L, 333L);
        assertThat(PaymentRequestService.equalShares(1_001, 4)).containsExactly(251L, 250L, 250L, 250L);
        assertThat(PaymentRequestService.equalShares(5, 5)).containsExactly(1L, 1L, 1L, 1L, 1L);
        assertThat(PaymentRequestService.equalShares(7, 1)).containsExactly(7L);
    }

    @Test
    void sharesAlwaysAddUpAndDifferByAtMostOneCent() {
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            int n = 1 + random.nextInt(50);
            long total = n + (long) random.nextInt(1_000_000);
            List<Long> shares = PaymentRequestService.equalShares(total, n);
            assertThat(shares).hasSize(n);
            assertThat(shares.stream().mapToLong(Long::longValue).sum()).isEqualTo(total);
            long max = shares.stream().mapToLong(Long::longValue).max().orElseThrow();
            long min = shares.stream().mapToLong(Long::longValue).min().orElseThrow();
            assertThat(max - min).isLessThanOrEqualTo(1);
            assertThat(shares).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        }
    }

    @Test
    void aShareOfNothingIsRefused() {
        assertThatThrownBy(() -> PaymentRequestService.equalShares(2, 3)).isInstanceOf(DomainException.class);
    }
}
