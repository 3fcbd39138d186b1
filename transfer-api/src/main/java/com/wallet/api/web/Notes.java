package com.wallet.api.web;

/** Notes on transfers and requests: 1-280 characters (code points) of text, no control characters. */
public final class Notes {

    public static final int MAX_LENGTH = 280;

    private Notes() {}

    public static void check(String note) {
        int length = note.codePointCount(0, note.length());
        if (note.isBlank() || length > MAX_LENGTH) {
            throw new DomainException(
                    Problem.INVALID_REQUEST, "note must be 1-280 characters and not blank, was " + length);
        }
        boolean bad = note.codePoints().anyMatch(cp -> {
            int type = Character.getType(cp);
            return type == Character.CONTROL || type == Character.SURROGATE || type == Character.UNASSIGNED;
        });
        if (bad) {
            throw new DomainException(Problem.INVALID_REQUEST, "note must not contain control characters");
        }
    }
}
