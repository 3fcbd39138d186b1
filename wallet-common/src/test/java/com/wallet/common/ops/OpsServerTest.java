package com.wallet.common.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OpsServerTest {

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void healthFollowsTheServiceAndMetricsAreThePrometheusScrapeWithTheJvmMeters() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OpsServer.bindProcessMeters(registry);
        registry.counter("ops.test.calls", "kind", "probe").increment(3);
        AtomicBoolean up = new AtomicBoolean(true);
        try (OpsServer ops = OpsServer.start(
                "127.0.0.1", 0, registry, () -> new OpsServer.Health(up.get(), Map.of("lag_bytes", 42)))) {
            HttpResponse<String> health = get(ops, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"UP\",\"lag_bytes\":42}");

            up.set(false);
            health = get(ops, "/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).startsWith("{\"status\":\"DOWN\"");

            HttpResponse<String> metrics = get(ops, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(metrics.body())
                    .contains("ops_test_calls_total{kind=\"probe\"} 3.0")
                    .contains("jvm_memory_used_bytes")
                    .contains("jvm_gc_")
                    .contains("jvm_threads_live_threads")
                    .contains("process_uptime_seconds");
        }
    }

    private HttpResponse<String> get(OpsServer ops, String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
