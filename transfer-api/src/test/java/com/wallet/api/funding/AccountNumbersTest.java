package com.wallet.api.funding;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AccountNumbersTest {

    @Test
    void routingNumbersNeedTheAbaCheckDigit() {
        assertThat(AccountNumbers.validRoutingNumber("091000019")).isTrue();
        assertThat(AccountNumbers.validRoutingNumber("021000021")).isTrue();
        assertThat(AccountNumbers.validRoutingNumber("011000015")).isTrue();
        assertThat(AccountNumbers.validRoutingNumber("091000018")).isFalse();
        assertThat(AccountNumbers.validRoutingNumber("09100001")).isFalse();
        assertThat(AccountNumbers.validRoutingNumber("09100001x")).isFalse();
        assertThat(AccountNumbers.validRoutingNumber(null)).isFalse();
    }

    @Test
    void cardNumbersNeedLuhn() {
        assertThat(AccountNumbers.validCardNumber("4242424242424242")).isTrue();
        assertThat(AccountNumbers.validCardNumber("4000000000000002")).isTrue();
        assertThat(AccountNumbers.validCardNumber("5555555555554444")).isTrue();
        assertThat(AccountNumbers.validCardNumber("378282246310005")).isTrue(); // 15-digit Amex
        assertThat(AccountNumbers.validCardNumber("4242424242424241")).isFalse();
        assertThat(AccountNumbers.validCardNumber("4242 4242 4242 4242")).isFalse();
        assertThat(AccountNumbers.validCardNumber("42424242424")).isFalse();
    }

    @Test
    void aCardIsGoodThroughItsExpiryMonth() {
        Clock lastDayOfMarch = Clock.fixed(Instant.parse("2026-03-31T23:59:00Z"), ZoneOffset.UTC);
        assertThat(AccountNumbers.validExpiry(3, 2026, lastDayOfMarch)).isTrue();
        assertThat(AccountNumbers.validExpiry(2, 2026, lastDayOfMarch)).isFalse();
        assertThat(AccountNumbers.validExpiry(3, 2046, lastDayOfMarch)).isTrue();
        assertThat(AccountNumbers.validExpiry(4, 2046, lastDayOfMarch)).isFalse();
        assertThat(AccountNumbers.validExpiry(13, 2027, lastDayOfMarch)).isFalse();
    }
}
