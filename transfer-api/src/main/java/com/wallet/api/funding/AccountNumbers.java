package com.wallet.api.funding;

import com.wallet.common.bank.BankNumbers;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;

/** Checks of bank and card numbers. Messages name the field, never the number. */
public final class AccountNumbers {

    private AccountNumbers() {}

    /** An ABA routing number: 9 digits whose weighted sum 3-7-1 is a multiple of 10. */
    public static boolean validRoutingNumber(String routing) {
        return BankNumbers.validRoutingNumber(routing);
    }

    /** A US bank account number: 4 to 17 digits. */
    public static boolean validAccountNumber(String account) {
        return BankNumbers.validAccountNumber(account);
    }

    /** A card number: 12 to 19 digits passing the Luhn check. */
    public static boolean validCardNumber(String card) {
        if (card == null || !card.matches("[0-9]{12,19}")) {
            return false;
        }
        int sum = 0;
        boolean twice = false;
        for (int i = card.length() - 1; i >= 0; i--) {
            int digit = card.charAt(i) - '0';
            if (twice) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /** A card is good through the last day of its expiry month; more than 20 years ahead is a typo. */
    public static boolean validExpiry(int month, int year, Clock clock) {
        if (month < 1 || month > 12) {
            return false;
        }
        YearMonth now = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        YearMonth expiry = YearMonth.of(year, month);
        return !expiry.isBefore(now) && !expiry.isAfter(now.plusYears(20));
    }

    public static String last4(String number) {
        return number.substring(number.length() - 4);
    }
}
