package com.wallet.common.bank;

/** Checks of US bank numbers, for every service that takes them (linking, notifications of change). */
public final class BankNumbers {

    private BankNumbers() {}

    /** An ABA routing number: 9 digits whose weighted sum 3-7-1 is a multiple of 10. */
    public static boolean validRoutingNumber(String routing) {
        if (routing == null || !routing.matches("[0-9]{9}")) {
            return false;
        }
        int[] weights = {3, 7, 1, 3, 7, 1, 3, 7, 1};
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += weights[i] * (routing.charAt(i) - '0');
        }
        return sum % 10 == 0;
    }

    /** A US bank account number: 4 to 17 digits. */
    public static boolean validAccountNumber(String account) {
        return account != null && account.matches("[0-9]{4,17}");
    }
}
