package com.wallet.common.partners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class PartnerClientGuardTest {

    private HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            calls.incrementAndGet();
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private PartnerClient client(Runnable guard) {
        NetworkSettings settings = new NetworkSettings(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
                Duration.ofSeconds(5),
                1,
                Duration.ofMillis(10),
                50,
                10,
                10,
                Duration.ofSeconds(1),
                1);
        return new PartnerClient("test", settings, JsonMapper.builder().build(), guard);
    }

    @Test
    void aCallTheGuardRefusesNeverReachesThePartner() {
        AtomicBoolean refuse = new AtomicBoolean(true);
        PartnerClient client = client(() -> {
            if (refuse.get()) {
                throw new IllegalStateException("held");
            }
        });
        assertThatThrownBy(() -> client.post("/x", Map.of())).hasMessage("held");
        assertThatThrownBy(() -> client.get("/x")).hasMessage("held");
        assertThat(calls).hasValue(0);
        refuse.set(false);
        assertThat(client.get("/x")).isPresent();
        assertThat(calls).hasValue(1);
    }
}
