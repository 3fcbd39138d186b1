package com.wallet.api.web;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * An RFC 9457 problem body: {@code type}, {@code title}, {@code status}, {@code detail}, then extra members. Built as
 * an ordered map so that the same problem always serializes to the same bytes (idempotent replays rely on it).
 */
public final class ProblemBody {

    private ProblemBody() {}

    public static HttpStatus statusOf(Problem problem) {
        return switch (problem) {
            case INVALID_REQUEST, MALFORMED_JSON, IDEMPOTENCY_KEY_MISSING -> HttpStatus.BAD_REQUEST;
            case PAYLOAD_TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case UNAUTHENTICATED, INVALID_CREDENTIALS -> HttpStatus.UNAUTHORIZED;
            case FORBIDDEN, PIN_NOT_SET, PIN_REQUIRED, PIN_INCORRECT -> HttpStatus.FORBIDDEN;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case USERNAME_TAKEN,
                    EMAIL_TAKEN,
                    IDEMPOTENCY_KEY_IN_FLIGHT,
                    REQUEST_NOT_PENDING,
                    SCHEDULE_NOT_ACTIVE,
                    CLAIM_NOT_PENDING,
                    CONTACT_TAKEN,
                    PAYMENT_METHOD_IN_USE,
                    NOT_VERIFIABLE,
                    FUNDING_CHANGED,
                    ACCOUNT_NOT_EMPTY -> HttpStatus.CONFLICT;
            case IDEMPOTENCY_KEY_REUSE,
                    INSUFFICIENT_FUNDS,
                    LIMIT_EXCEEDED,
                    UNKNOWN_RECEIVER,
                    SELF_TRANSFER,
                    ACCOUNT_FROZEN,
                    ACCOUNT_RESTRICTED,
                    RECEIVER_UNAVAILABLE,
                    NOT_FRIENDABLE,
                    USER_BLOCKED,
                    UNKNOWN_PAYER,
                    SELF_REQUEST,
                    NOT_REFUNDABLE,
                    REFUND_WINDOW_CLOSED,
                    REFUND_EXCEEDS_PAYMENT,
                    CODE_INCORRECT,
                    CONTACT_NOT_PROVEN,
                    PAYMENT_METHOD_UNSUITABLE,
                    VERIFICATION_FAILED,
                    CARD_DECLINED,
                    FUNDS_NOT_SETTLED -> HttpStatus.UNPROCESSABLE_CONTENT;
            case PARTNER_UNAVAILABLE, FEED_UNAVAILABLE, DATABASE_UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case RATE_LIMITED -> HttpStatus.TOO_MANY_REQUESTS;
            case INTERNAL -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    public static Map<String, Object> of(Problem problem, String detail, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.type());
        body.put("title", problem.title());
        body.put("status", statusOf(problem).value());
        body.put("detail", detail);
        extra.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> body.putIfAbsent(e.getKey(), e.getValue()));
        return body;
    }

    public static Map<String, Object> of(DomainException e) {
        return of(e.problem(), e.getMessage(), e.details());
    }

    public static ResponseEntity<Object> response(Problem problem, String detail, Map<String, Object> extra) {
        return response(problem, detail, extra, HttpHeaders.EMPTY);
    }

    public static ResponseEntity<Object> response(
            Problem problem, String detail, Map<String, Object> extra, HttpHeaders headers) {
        return ResponseEntity.status(statusOf(problem))
                .headers(headers)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(of(problem, detail, extra));
    }
}
