package com.wallet.api.web;

import com.wallet.common.partners.PartnerUnavailableException;
import jakarta.validation.ConstraintViolationException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** The one place where failures become problem+json responses. No stack trace ever reaches a client. */
@RestControllerAdvice
class ProblemAdvice {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    @ExceptionHandler(RateLimitedException.class)
    ResponseEntity<Object> rateLimited(RateLimitedException e) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(
                HttpHeaders.RETRY_AFTER,
                Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        return ProblemBody.response(e.problem(), e.getMessage(), e.details(), headers);
    }

    @ExceptionHandler(PartnerUnavailableException.class)
    ResponseEntity<Object> partnerUnavailable(PartnerUnavailableException e) {
        log.warn("partner unavailable: {}", e.getMessage());
        HttpHeaders headers = new HttpHeaders();
        headers.set(
                HttpHeaders.RETRY_AFTER,
                Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        return ProblemBody.response(
                Problem.PARTNER_UNAVAILABLE,
                e.service() + " is unavailable; nothing was charged or paid out, try again later",
                Map.of("service", e.service()),
                headers);
    }

    @ExceptionHandler(com.datastax.oss.driver.api.core.DriverException.class)
    ResponseEntity<Object> feedUnavailable(com.datastax.oss.driver.api.core.DriverException e) {
        log.warn("feed store unavailable: {}", e.toString());
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "5");
        return ProblemBody.response(Problem.FEED_UNAVAILABLE, "the feed cannot be read right now", Map.of(), headers);
    }

    @ExceptionHandler(DomainException.class)
    ResponseEntity<Object> domain(DomainException e) {
        return ProblemBody.response(e.problem(), e.getMessage(), e.details());
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<Object> invalid(MethodArgumentNotValidException e) {
        List<Map<String, Object>> errors = e.getBindingResult().getFieldErrors().stream()
                .map(f -> Map.<String, Object>of(
                        "field", JsonNames.snake(f.getField()),
                        "message", String.valueOf(f.getDefaultMessage())))
                .sorted((a, b) ->
                        a.get("field").toString().compareTo(b.get("field").toString()))
                .toList();
        String detail = errors.stream()
                .map(m -> m.get("field") + " " + m.get("message"))
                .reduce((a, b) -> a + "; " + b)
                .orElse("invalid request");
        return ProblemBody.response(Problem.INVALID_REQUEST, detail, Map.of("errors", errors));
    }

    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<Object> invalidParameter(HandlerMethodValidationException e) {
        String detail = e.getParameterValidationResults().stream()
                .map(r -> r.getMethodParameter().getParameterName() + " "
                        + r.getResolvableErrors().get(0).getDefaultMessage())
                .reduce((a, b) -> a + "; " + b)
                .orElse("invalid request");
        return ProblemBody.response(Problem.INVALID_REQUEST, detail, Map.of());
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> constraint(ConstraintViolationException e) {
        String detail = e.getConstraintViolations().stream()
                .map(v -> {
                    String path = v.getPropertyPath().toString();
                    return path.substring(path.lastIndexOf('.') + 1) + " " + v.getMessage();
                })
                .sorted()
                .reduce((a, b) -> a + "; " + b)
                .orElse("invalid request");
        return ProblemBody.response(Problem.INVALID_REQUEST, detail, Map.of());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Object> unreadable(HttpMessageNotReadableException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodySizeLimitFilter.TooLargeException tooLarge) {
                return ProblemBody.response(Problem.PAYLOAD_TOO_LARGE, tooLarge.getMessage(), Map.of());
            }
        }
        return ProblemBody.response(Problem.MALFORMED_JSON, JsonNames.describe(e), Map.of());
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<Object> missingHeader(MissingRequestHeaderException e) {
        if (e.getHeaderName().equalsIgnoreCase("Idempotency-Key")) {
            return ProblemBody.response(
                    Problem.IDEMPOTENCY_KEY_MISSING,
                    "this call moves money and needs an Idempotency-Key header",
                    Map.of());
        }
        return ProblemBody.response(Problem.INVALID_REQUEST, "header " + e.getHeaderName() + " is required", Map.of());
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<Object> missingParameter(MissingServletRequestParameterException e) {
        return ProblemBody.response(
                Problem.INVALID_REQUEST, "query parameter " + e.getParameterName() + " is required", Map.of());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e) {
        return ProblemBody.response(
                Problem.INVALID_REQUEST, e.getName() + " is not a valid " + typeName(e.getRequiredType()), Map.of());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Object> noResource(NoResourceFoundException e) {
        return ProblemBody.response(Problem.NOT_FOUND, "no such resource: /" + e.getResourcePath(), Map.of());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Object> method(HttpRequestMethodNotSupportedException e) {
        return ResponseEntity.status(405)
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(Map.of(
                        "type",
                        Problem.TYPE_BASE + "method-not-allowed",
                        "title",
                        "Method not allowed",
                        "status",
                        405,
                        "detail",
                        e.getMethod() + " is not supported here"));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Object> mediaType(HttpMediaTypeNotSupportedException e) {
        return ProblemBody.response(Problem.INVALID_REQUEST, "send the body as application/json", Map.of());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        if (DatabaseUnavailable.is(e)) {
            // the connection was refused, lost or never came: whether a write that was under way committed is not
            // known here, and the key tells (a retry replays what committed, or does the call now)
            log.warn(
                    "database unavailable (request {}): {}",
                    MDC.get(RequestIdFilter.MDC_KEY),
                    org.springframework.core.NestedExceptionUtils.getMostSpecificCause(e)
                            .toString());
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, "2");
            return ProblemBody.response(
                    Problem.DATABASE_UNAVAILABLE,
                    "the database could not be reached in time or was lost during the request; try again, a call that"
                            + " moves money with the same Idempotency-Key: what was committed is answered as it was,"
                            + " what was not is done then",
                    Map.of("request_id", String.valueOf(MDC.get(RequestIdFilter.MDC_KEY))),
                    headers);
        }
        log.error("unexpected failure (request {})", MDC.get(RequestIdFilter.MDC_KEY), e);
        return ProblemBody.response(
                Problem.INTERNAL,
                "an unexpected error occurred; no money was moved by a failed request",
                Map.of("request_id", String.valueOf(MDC.get(RequestIdFilter.MDC_KEY))));
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "value";
        }
        return type == java.util.UUID.class ? "UUID" : type.getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
}
