package com.wallet.common.partners;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP calls to one partner network through a timeout, a retry policy and a circuit breaker (resilience4j). The
 * network's contract, per answer: 2xx done; 4xx refused and not processed; 500 and 503 failed and not processed; 502
 * and 504 (a gateway's: the upstream may have processed the call), no answer in time, or a broken connection mean the
 * outcome is unknown, to be settled by a status look-up or a cancellation, never by paying again. Every call carries an id of ours, so repeating it is safe. Bodies are never logged: they
 * carry card and account numbers.
 */
public final class PartnerClient {

    private static final Logger log = LoggerFactory.getLogger(PartnerClient.class);

    /** A failure worth retrying and counting against the breaker. */
    static final class RetryableFailure extends RuntimeException {
        RetryableFailure(String message) {
            super(message, null, false, false);
        }
    }

    private final String service;
    private final NetworkSettings settings;
    private final HttpClient http;
    private final JsonMapper json;
    private final CircuitBreaker breaker;
    private final Retry retry;
    private final Runnable guard;

    public PartnerClient(String service, NetworkSettings settings, JsonMapper json) {
        this(service, settings, json, () -> {});
    }

    /**
     * @param guard run before every call, on the calling thread; it throws to refuse a call made where none may be (the
     *     services pass a check that the thread holds no database connection: a partner's latency must never hold a
     *     pooled connection, nor the locks of its transaction)
     */
    public PartnerClient(String service, NetworkSettings settings, JsonMapper json, Runnable guard) {
        this.guard = guard;
        this.service = service;
        this.settings = settings;
        this.json = json;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .build();
        this.breaker = CircuitBreaker.of(
                service,
                CircuitBreakerConfig.custom()
                        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(settings.breakerWindow())
                        .minimumNumberOfCalls(settings.breakerMinimumCalls())
                        .failureRateThreshold(settings.breakerFailureRatePercent())
                        .waitDurationInOpenState(settings.breakerOpenFor())
                        .permittedNumberOfCallsInHalfOpenState(settings.breakerHalfOpenCalls())
                        .automaticTransitionFromOpenToHalfOpenEnabled(true)
                        .recordExceptions(RetryableFailure.class)
                        .build());
        this.retry = Retry.of(
                service,
                RetryConfig.custom()
                        .maxAttempts(settings.retryMaxAttempts())
                        .waitDuration(settings.retryWait())
                        .retryExceptions(RetryableFailure.class)
                        .ignoreExceptions(CallNotPermittedException.class, PartnerRefusedException.class)
                        .build());
        breaker.getEventPublisher()
                .onStateTransition(e -> log.warn(
                        "{} circuit breaker {}", service, e.getStateTransition().name()));
    }

    public String service() {
        return service;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** True while calls are refused without trying; callers check it before they commit to anything. */
    public boolean open() {
        return breaker.getState() == CircuitBreaker.State.OPEN
                || breaker.getState() == CircuitBreaker.State.FORCED_OPEN;
    }

    public PartnerUnavailableException unavailable(String what, boolean outcomeUnknown) {
        return new PartnerUnavailableException(service, what, retryAfter(), outcomeUnknown);
    }

    /** POSTs a JSON body; returns the JSON answer. */
    public JsonNode post(String path, Map<String, ?> body) {
        return send(
                        path,
                        () -> HttpRequest.newBuilder(uri(path))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))))
                .orElseThrow();
    }

    /**
     * POSTs a file's bytes as they are on disk (a NACHA file of millions of entries, never held in memory; read again
     * for each attempt) with extra headers; returns the JSON answer.
     */
    public JsonNode postFile(String path, String contentType, Map<String, String> headers, java.nio.file.Path file) {
        return send(path, () -> {
                    HttpRequest.Builder request;
                    try {
                        request = HttpRequest.newBuilder(uri(path))
                                .header("Content-Type", contentType)
                                .POST(HttpRequest.BodyPublishers.ofFile(file));
                    } catch (java.io.FileNotFoundException e) {
                        throw new java.io.UncheckedIOException("cannot send " + file, e);
                    }
                    headers.forEach(request::header);
                    return request;
                })
                .orElseThrow();
    }

    /** GETs a resource; empty if the network does not know it (404). */
    public Optional<JsonNode> get(String path) {
        return send(path, () -> HttpRequest.newBuilder(uri(path)).GET());
    }

    private URI uri(String path) {
        return settings.baseUrl().resolve(path);
    }

    private Optional<JsonNode> send(String path, Supplier<HttpRequest.Builder> request) {
        guard.run();
        AtomicBoolean unknown = new AtomicBoolean();
        Supplier<Optional<JsonNode>> attempt = () -> once(path, request.get(), unknown);
        try {
            return Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, attempt))
                    .get();
        } catch (CallNotPermittedException e) {
            throw new PartnerUnavailableException(
                    service,
                    service + " circuit breaker is open; calls are refused for now",
                    retryAfter(),
                    unknown.get());
        } catch (RetryableFailure e) {
            throw new PartnerUnavailableException(
                    service,
                    service + " failed on all " + settings.retryMaxAttempts() + " attempts: " + e.getMessage(),
                    retryAfter(),
                    unknown.get());
        }
    }

    private Optional<JsonNode> once(String path, HttpRequest.Builder request, AtomicBoolean unknown) {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(settings.timeout()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            unknown.set(true);
            log.info("{} {}: no answer within {}", service, path, settings.timeout());
            throw new RetryableFailure("no answer within " + settings.timeout());
        } catch (ConnectException e) {
            log.info("{} {}: cannot connect", service, path);
            throw new RetryableFailure("cannot connect to " + settings.baseUrl());
        } catch (IOException e) {
            unknown.set(true);
            log.info("{} {}: {}", service, path, e.toString());
            throw new RetryableFailure(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unknown.set(true);
            throw new RetryableFailure("interrupted");
        }
        int status = response.statusCode();
        if (status >= 500) {
            // 500 and 503 are the networks' "not processed"; a gateway's 502 or 504 may come after the upstream
            // processed the call: the outcome is unknown (retrying under the same id is still safe)
            if (status == 502 || status == 504) {
                unknown.set(true);
            }
            log.info("{} {}: {}", service, path, status);
            throw new RetryableFailure("answered " + status);
        }
        if (status == 404 && "GET".equals(response.request().method())) {
            return Optional.empty();
        }
        JsonNode body = response.body().isBlank() ? json.nullNode() : json.readTree(response.body());
        if (status >= 400) {
            throw new PartnerRefusedException(
                    service,
                    status,
                    body.path("error").asString("refused"),
                    body.path("message").asString(""));
        }
        return Optional.of(body);
    }

    private Duration retryAfter() {
        Duration open = settings.breakerOpenFor();
        return open.isZero() ? Duration.ofSeconds(1) : open;
    }
}
