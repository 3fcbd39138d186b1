package com.wallet.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The partner networks over HTTP on the loopback interface: the card network under {@code /card}, the ACH processor
 * under {@code /ach}, and the knobs under {@code /control}. Start it with {@link #start(int)} (0 picks a free port);
 * closing it stops the server and releases calls held by the timeout knob. The HTTP API is described in the README.
 */
public final class PartnerSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PartnerSimulator.class);

    private final JsonMapper json = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();
    private final Knobs knobs = new Knobs();
    private final CardNetwork card = new CardNetwork();
    private final AchProcessor ach = new AchProcessor();
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile boolean closed;

    private PartnerSimulator(int port) throws IOException {
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "partner-sim-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static PartnerSimulator start(int port) {
        return start(port, null);
    }

    /**
     * Starts on {@code port} keeping its state in {@code dataDir} (null: in memory only): what a previous run there
     * received is there again.
     */
    public static PartnerSimulator start(int port, java.nio.file.Path dataDir) {
        try {
            PartnerSimulator sim = new PartnerSimulator(port);
            if (dataDir != null) {
                sim.keepStateIn(dataDir);
            }
            log.info("partner simulator listening on {}", sim.baseUrl());
            return sim;
        } catch (IOException e) {
            throw new IllegalStateException("the partner simulator could not listen on port " + port + ": " + e, e);
        }
    }

    private StateJournal journal;

    private void keepStateIn(java.nio.file.Path dataDir) {
        JsonMapper state = json.rebuild()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        journal = StateJournal.open(dataDir, state, event -> {
            JsonNode value = event.path("value");
            switch (event.path("type").asString()) {
                case "charge" -> card.restore("charge", state.treeToValue(value, CardNetwork.Operation.class));
                case "payout" -> card.restore("payout", state.treeToValue(value, CardNetwork.Operation.class));
                case "chargeback" -> card.restore(state.treeToValue(value, CardNetwork.Chargeback.class));
                case "file" -> ach.restore(state.treeToValue(value, AchProcessor.Received.class));
                case "micro_deposit" -> ach.restore(state.treeToValue(value, AchProcessor.MicroDeposit.class));
                case "return_rule" -> ach.restore(state.treeToValue(value, AchProcessor.ReturnRule.class));
                case "return_released" -> ach.restoreReleased(state.treeToValue(value, AchProcessor.Return.class));
                case "change_rule" -> ach.restore(state.treeToValue(value, AchProcessor.ChangeRule.class));
                default ->
                    log.warn(
                            "unknown state event {} ignored", event.path("type").asString());
            }
        });
        card.recorder = journal::append;
        ach.recorder = journal::append;
        log.info("partner simulator state kept in {}", dataDir);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public Knobs knobs() {
        return knobs;
    }

    public CardNetwork card() {
        return card;
    }

    public AchProcessor ach() {
        return ach;
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        executor.shutdownNow();
        if (journal != null) {
            journal.close();
        }
    }

    private record Reply(int status, Object body) {}

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Reply reply;
            try {
                reply = route(exchange);
            } catch (CardNetwork.Refused e) {
                reply = new Reply(e.httpStatus(), error(e.code(), e.getMessage()));
            } catch (AchProcessor.InvalidFile | IllegalArgumentException e) {
                reply = new Reply(400, error("invalid_request", e.getMessage()));
            } catch (JacksonException e) {
                reply = new Reply(400, error("malformed_json", "the body is not the expected JSON"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reply = new Reply(503, error("shutting_down", "the simulator is stopping"));
            }
            byte[] body = json.writeValueAsBytes(reply.body());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException e) {
            // the client gave up (its timeout): nothing to answer
            log.debug("could not answer {}: {}", exchange.getRequestURI(), e.toString());
        }
    }

    private Reply route(HttpExchange exchange) throws IOException, InterruptedException {
        String method = exchange.getRequestMethod();
        String[] path = exchange.getRequestURI().getPath().replaceAll("/+$", "").split("/");
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String route = method + " " + String.join("/", path).replaceAll("^/", "");
        // path[0] is "" (leading slash)
        if (path.length < 2) {
            return notFound();
        }
        switch (path[1]) {
            case "health":
                return new Reply(200, Map.of("status", "UP"));
            case "card":
                return cardRoute(exchange, method, path, query);
            case "ach":
                return achRoute(exchange, method, path, query);
            case "control":
                return controlRoute(exchange, method, path);
            default:
                log.debug("no route for {}", route);
                return notFound();
        }
    }

    private Reply cardRoute(HttpExchange exchange, String method, String[] path, Map<String, String> query)
            throws IOException, InterruptedException {
        if (path.length == 3 && path[2].equals("charges") && method.equals("POST")) {
            Map<?, ?> body = body(exchange);
            return call(
                    CallType.CARD_CHARGE,
                    201,
                    () -> card.charge(text(body, "id"), text(body, "card_number"), number(body, "amount_cents")));
        }
        if (path.length == 5 && path[2].equals("charges") && path[4].equals("void") && method.equals("POST")) {
            return call(CallType.CARD_VOID, 200, () -> card.voidCharge(path[3]));
        }
        if (path.length == 4 && path[2].equals("charges") && method.equals("GET")) {
            return card.findCharge(path[3]).map(c -> new Reply(200, c)).orElseGet(PartnerSimulator::notFound);
        }
        if (path.length == 3 && path[2].equals("payouts") && method.equals("POST")) {
            Map<?, ?> body = body(exchange);
            return call(
                    CallType.CARD_PAYOUT,
                    201,
                    () -> card.payout(text(body, "id"), text(body, "card_number"), number(body, "amount_cents")));
        }
        if (path.length == 5 && path[2].equals("payouts") && path[4].equals("cancel") && method.equals("POST")) {
            return call(CallType.CARD_PAYOUT, 200, () -> card.cancelPayout(path[3]));
        }
        if (path.length == 4 && path[2].equals("payouts") && method.equals("GET")) {
            return card.findPayout(path[3]).map(c -> new Reply(200, c)).orElseGet(PartnerSimulator::notFound);
        }
        if (path.length == 3 && path[2].equals("settlement") && method.equals("GET")) {
            return new Reply(200, card.settlement(date(query.get("date"), "date")));
        }
        return notFound();
    }

    private Reply achRoute(HttpExchange exchange, String method, String[] path, Map<String, String> query)
            throws IOException, InterruptedException {
        if (path.length == 3 && path[2].equals("files") && method.equals("POST")) {
            String fileId = exchange.getRequestHeaders().getFirst("X-File-Id");
            if (fileId == null || fileId.isBlank()) {
                return new Reply(400, error("invalid_request", "the X-File-Id header names the file"));
            }
            String nacha = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.US_ASCII);
            return call(CallType.ACH_FILE, 202, () -> ach.submit(fileId, nacha));
        }
        if (path.length == 4 && path[2].equals("files") && method.equals("GET")) {
            return ach.lookUp(path[3]).map(f -> new Reply(200, f)).orElseGet(PartnerSimulator::notFound);
        }
        if (path.length == 4 && path[2].equals("entries") && method.equals("GET")) {
            return ach.entry(path[3]).map(f -> new Reply(200, f)).orElseGet(PartnerSimulator::notFound);
        }
        if (path.length == 3 && path[2].equals("returns") && method.equals("GET")) {
            long after = Long.parseLong(query.getOrDefault("after", "0"));
            java.time.LocalDate asOf = query.containsKey("as_of") ? date(query.get("as_of"), "as_of") : null;
            return call(CallType.ACH_RETURNS, 200, () -> Map.of("returns", ach.returnsAfter(after, asOf)));
        }
        if (path.length == 3 && path[2].equals("changes") && method.equals("GET")) {
            long after = Long.parseLong(query.getOrDefault("after", "0"));
            return call(CallType.ACH_RETURNS, 200, () -> Map.of("changes", ach.changesAfter(after)));
        }
        if (path.length == 3 && path[2].equals("micro-deposits") && method.equals("POST")) {
            Map<?, ?> body = body(exchange);
            return call(
                    CallType.MICRO_DEPOSIT,
                    201,
                    () -> ach.sendMicroDeposits(text(body, "routing_number"), text(body, "account_number")));
        }
        if (path.length == 3 && path[2].equals("statement") && method.equals("GET")) {
            return new Reply(
                    200,
                    Map.of("micro_deposits", ach.statement(query.get("routing_number"), query.get("account_number"))));
        }
        return notFound();
    }

    private Reply controlRoute(HttpExchange exchange, String method, String[] path) throws IOException {
        if (path.length == 2 && method.equals("GET")) {
            Map<String, Object> all = new LinkedHashMap<>();
            for (CallType type : CallType.values()) {
                all.put(type.slug(), view(type));
            }
            return new Reply(200, all);
        }
        if (path.length == 4 && path[2].equals("knobs") && method.equals("PUT")) {
            CallType type = CallType.ofSlug(path[3]);
            Map<?, ?> body = body(exchange);
            Knobs.Knob knob = knobs.get(type);
            if (body.containsKey("latency_ms")) {
                knob = knob.withLatency(Duration.ofMillis(number(body, "latency_ms")));
            }
            if (body.containsKey("error_rate")) {
                knob = knob.withErrorRate(((Number) body.get("error_rate")).doubleValue());
            }
            if (body.containsKey("timeout")) {
                knob = knob.withTimeout(Boolean.TRUE.equals(body.get("timeout")));
            }
            if (body.containsKey("outage")) {
                knob = knob.withOutage(Boolean.TRUE.equals(body.get("outage")));
            }
            if (body.containsKey("bad_gateway")) {
                knob = knob.withBadGateway(Boolean.TRUE.equals(body.get("bad_gateway")));
            }
            knobs.set(type, knob);
            log.info("knob {} set to {}", type.slug(), knob);
            return new Reply(200, view(type));
        }
        if (path.length == 4 && path[2].equals("ach") && path[3].equals("return-rules") && method.equals("PUT")) {
            Map<?, ?> body = body(exchange);
            // "R01" (at once) or {"code": "R01", "banking_days": 2} (that many banking days after the effective date)
            body.forEach((account, rule) -> {
                if (rule instanceof Map<?, ?> r) {
                    ach.returnEntriesTo(
                            String.valueOf(account),
                            text(r, "code"),
                            r.get("banking_days") == null ? null : (int) number(r, "banking_days"));
                } else {
                    ach.returnEntriesTo(String.valueOf(account), String.valueOf(rule));
                }
            });
            return new Reply(200, Map.of("rules", body.size()));
        }
        if (path.length == 4 && path[2].equals("ach") && path[3].equals("change-rules") && method.equals("PUT")) {
            Map<?, ?> body = body(exchange);
            body.forEach((account, rule) -> {
                if (!(rule instanceof Map<?, ?> r)) {
                    throw new IllegalArgumentException("each rule is {\"code\": \"C01\", \"corrected\": \"...\"}");
                }
                ach.changeEntriesTo(String.valueOf(account), text(r, "code"), text(r, "corrected"));
            });
            return new Reply(200, Map.of("rules", body.size()));
        }
        if (path.length == 4 && path[2].equals("card") && path[3].equals("chargebacks") && method.equals("POST")) {
            // a cardholder's dispute decided for them: {"charge_id": "...", "reason_code": "10.4"}
            Map<?, ?> body = body(exchange);
            return new Reply(201, card.chargeback(text(body, "charge_id"), text(body, "reason_code")));
        }
        if (path.length == 6
                && path[2].equals("card")
                && path[3].equals("chargebacks")
                && path[5].equals("reversal")
                && method.equals("POST")) {
            // a representment won: the network pays the chargeback of charge path[4] back
            return new Reply(200, card.reverseChargeback(path[4]));
        }
        if (path.length == 3 && path[2].equals("reset") && method.equals("POST")) {
            knobs.reset();
            ach.clearReturnRules();
            ach.clearChangeRules();
            return new Reply(200, Map.of("status", "reset"));
        }
        return notFound();
    }

    private Map<String, Object> view(CallType type) {
        Knobs.Knob knob = knobs.get(type);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("latency_ms", knob.latency().toMillis());
        view.put("error_rate", knob.errorRate());
        view.put("timeout", knob.timeout());
        view.put("outage", knob.outage());
        view.put("bad_gateway", knob.badGateway());
        view.put("calls", knobs.calls(type));
        return view;
    }

    /** Applies the knobs of this call type around the processing. */
    private Reply call(CallType type, int status, Supplier<Object> process) throws InterruptedException {
        knobs.count(type);
        if (!knobs.gate(type).pass()) {
            return new Reply(503, error("dropped", type.slug() + " was dropped at the gate (not processed)"));
        }
        Knobs.Knob knob = knobs.get(type);
        if (!knob.latency().isZero()) {
            TimeUnit.MILLISECONDS.sleep(knob.latency().toMillis());
        }
        if (knob.outage()) {
            return new Reply(503, error("outage", type.slug() + " is unavailable (not processed)"));
        }
        if (knob.errorRate() > 0 && ThreadLocalRandom.current().nextDouble() < knob.errorRate()) {
            return new Reply(500, error("internal_error", type.slug() + " failed (not processed)"));
        }
        Object result = process.get();
        if (knob.badGateway()) {
            return new Reply(502, error("bad_gateway", type.slug() + " was processed; its answer was lost"));
        }
        if (knob.timeout()) {
            long until = System.nanoTime() + knobs.hang().toNanos();
            while (!closed && System.nanoTime() < until) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
        return new Reply(status, result);
    }

    private Map<?, ?> body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) {
                return Map.of();
            }
            return json.readValue(bytes, Map.class);
        }
    }

    private static String text(Map<?, ?> body, String field) {
        Object value = body.get(field);
        if (!(value instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return s;
    }

    private static long number(Map<?, ?> body, String field) {
        Object value = body.get(field);
        if (!(value instanceof Number n)) {
            throw new IllegalArgumentException(field + " must be a number");
        }
        return n.longValue();
    }

    private static java.time.LocalDate date(String value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " (YYYY-MM-DD) is required");
        }
        try {
            return java.time.LocalDate.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be YYYY-MM-DD, was " + value);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(
                            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static Map<String, String> error(String code, String message) {
        return Map.of("error", code, "message", message);
    }

    private static Reply notFound() {
        return new Reply(404, error("not_found", "no such resource"));
    }
}
