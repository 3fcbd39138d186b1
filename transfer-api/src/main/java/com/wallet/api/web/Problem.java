package com.wallet.api.web;

/** The kinds of problem the API reports; each has a stable type URI (its slug) and a title. */
public enum Problem {
    INVALID_REQUEST("invalid-request", "The request is not valid"),
    MALFORMED_JSON("malformed-json", "The body is not valid JSON of the expected shape"),
    PAYLOAD_TOO_LARGE("payload-too-large", "The body is too large"),
    UNAUTHENTICATED("unauthenticated", "Authentication is required"),
    INVALID_CREDENTIALS("invalid-credentials", "Username or password is wrong"),
    FORBIDDEN("forbidden", "Not allowed"),
    PIN_NOT_SET("pin-not-set", "This call needs a PIN; set one first"),
    PIN_REQUIRED("pin-required", "This call needs the PIN in the Wallet-Pin header"),
    PIN_INCORRECT("pin-incorrect", "The PIN is wrong"),
    NOT_FOUND("not-found", "Not found"),
    USERNAME_TAKEN("username-taken", "That username is taken"),
    EMAIL_TAKEN("email-taken", "That email address is already registered"),
    IDEMPOTENCY_KEY_MISSING("idempotency-key-missing", "An Idempotency-Key header is required"),
    IDEMPOTENCY_KEY_REUSE("idempotency-key-reuse", "This Idempotency-Key was used with a different request"),
    IDEMPOTENCY_KEY_IN_FLIGHT("idempotency-key-in-flight", "A request with this Idempotency-Key is still running"),
    INSUFFICIENT_FUNDS("insufficient-funds", "Not enough money in the wallet or funding sources"),
    LIMIT_EXCEEDED("limit-exceeded", "A sending limit would be exceeded"),
    UNKNOWN_RECEIVER("unknown-receiver", "The receiver does not exist"),
    SELF_TRANSFER("self-transfer", "Sending money to yourself is not possible"),
    ACCOUNT_FROZEN("account-frozen", "The account is frozen"),
    ACCOUNT_RESTRICTED("account-restricted", "A returned bank payment left a debt; repay it first"),
    RECEIVER_UNAVAILABLE("receiver-unavailable", "The receiver cannot receive money right now"),
    NOT_FRIENDABLE("not-friendable", "That friend request is not possible"),
    USER_BLOCKED("user-blocked", "You blocked this user; unblock them first"),
    UNKNOWN_PAYER("unknown-payer", "The payer does not exist"),
    SELF_REQUEST("self-request", "Requesting money from yourself is not possible"),
    REQUEST_NOT_PENDING("request-not-pending", "The payment request is no longer pending"),
    NOT_REFUNDABLE("not-refundable", "That transfer cannot be refunded"),
    REFUND_WINDOW_CLOSED("refund-window-closed", "The payment is too old to be refunded"),
    REFUND_EXCEEDS_PAYMENT("refund-exceeds-payment", "Refunds cannot add up to more than the payment"),
    SCHEDULE_NOT_ACTIVE("schedule-not-active", "The scheduled payment has finished or was cancelled"),
    CLAIM_NOT_PENDING("claim-not-pending", "The payment was claimed, has expired or was cancelled"),
    CONTACT_TAKEN("contact-taken", "Another user has proven that email address or phone number"),
    CODE_INCORRECT("code-incorrect", "The code is wrong, used or expired"),
    CONTACT_NOT_PROVEN("contact-not-proven", "Prove that email address first (POST /v1/me/contacts)"),
    PAYMENT_METHOD_IN_USE("payment-method-in-use", "The payment method has money that is not settled yet"),
    PAYMENT_METHOD_UNSUITABLE("payment-method-unsuitable", "That payment method cannot be used for this"),
    NOT_VERIFIABLE("not-verifiable", "That payment method cannot be verified"),
    VERIFICATION_FAILED("verification-failed", "The micro-deposit amounts do not match"),
    CARD_DECLINED("card-declined", "The card was declined"),
    FUNDS_NOT_SETTLED("funds-not-settled", "Money from a bank payment is not settled yet; it cannot be cashed out"),
    ACCOUNT_NOT_EMPTY(
            "account-not-empty",
            "The account holds or owes money, or has money in flight; it cannot close until that is settled"),
    FUNDING_CHANGED("funding-changed", "The balance changed while the card was charged; retry with the same key"),
    FEED_UNAVAILABLE("feed-unavailable", "The feed store is unavailable; try again later"),
    DATABASE_UNAVAILABLE(
            "database-unavailable", "The database could not be reached; try again (with the same Idempotency-Key)"),
    PARTNER_UNAVAILABLE("partner-unavailable", "A partner network is unavailable; try again later"),
    RATE_LIMITED("rate-limited", "Too many requests"),
    INTERNAL("internal", "Something went wrong on our side");

    public static final String TYPE_BASE = "https://api.wallet.example/problems/";

    private final String slug;
    private final String title;

    Problem(String slug, String title) {
        this.slug = slug;
        this.title = title;
    }

    public String type() {
        return TYPE_BASE + slug;
    }

    public String title() {
        return title;
    }
}
