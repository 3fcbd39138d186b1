package com.wallet.ledger;

/**
 * An amount of US dollars in cents. Arithmetic is exact: overflow throws {@link ArithmeticException}, never wraps.
 */
public record Money(long cents) implements Comparable<Money> {

    public static final Money ZERO = new Money(0);

    public static Money ofCents(long cents) {
        return new Money(cents);
    }

    public Money plus(Money other) {
        return new Money(Math.addExact(cents, other.cents));
    }

    public Money minus(Money other) {
        return new Money(Math.subtractExact(cents, other.cents));
    }

    public Money negate() {
        return new Money(Math.negateExact(cents));
    }

    /** This amount, or zero when it is negative. */
    public Money max0() {
        return cents < 0 ? ZERO : this;
    }

    public Money min(Money other) {
        return cents <= other.cents ? this : other;
    }

    /** This amount times {@code basisPoints}/10000, rounded half up (to the nearest cent, halves away from zero). */
    public Money percentOf(long basisPoints) {
        if (cents < 0 || basisPoints < 0) {
            throw new IllegalArgumentException("percentOf takes non-negative amounts and rates, was " + cents
                    + " cents at " + basisPoints + " bp");
        }
        long scaled = Math.multiplyExact(cents, basisPoints);
        return new Money(Math.addExact(scaled, 5_000) / 10_000);
    }

    public boolean isPositive() {
        return cents > 0;
    }

    public boolean isZero() {
        return cents == 0;
    }

    @Override
    public int compareTo(Money other) {
        return Long.compare(cents, other.cents);
    }

    @Override
    public String toString() {
        return cents + "c";
    }
}
