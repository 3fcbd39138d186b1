package com.wallet.api.claim;

import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An email address (trimmed, lower-case) or a phone number in E.164 ({@code +} and 8 to 15 digits). Phones are taken
 * in E.164 only: a national format needs the caller's country to mean anything, which the client knows and we do not.
 */
public record Contact(String kind, String value) {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern PHONE = Pattern.compile("\\+[1-9][0-9]{7,14}");

    /** Exactly one of the two, normalized; a clear refusal otherwise. */
    public static Contact of(String email, String phone) {
        if ((email == null) == (phone == null)) {
            throw new DomainException(Problem.INVALID_REQUEST, "give one of email or phone");
        }
        if (email != null) {
            String e = email.trim().toLowerCase(Locale.ROOT);
            if (e.length() > 254 || !EMAIL.matcher(e).matches()) {
                throw new DomainException(Problem.INVALID_REQUEST, "not an email address: " + email);
            }
            return new Contact("email", e);
        }
        String p = phone.trim();
        if (!PHONE.matcher(p).matches()) {
            throw new DomainException(
                    Problem.INVALID_REQUEST, "a phone number is in E.164 form, such as +14155550123; was " + phone);
        }
        return new Contact("phone", p);
    }
}
