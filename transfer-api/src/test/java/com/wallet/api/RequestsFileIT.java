package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code docs/requests.sh}, the README's file of ready requests, runs as printed against a real API. */
@ApiIT
class RequestsFileIT extends ApiIT.Base {

    @Test
    void theReadyRequestsRunAsPrinted(@TempDir Path tmp) throws Exception {
        Path output = tmp.resolve("requests.out");
        Process script = new ProcessBuilder(
                        "bash", Path.of("..", "docs", "requests.sh").toString(), "http://localhost:" + port)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        assertThat(script.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String printed = Files.readString(output);
        assertThat(script.exitValue()).as(printed).isZero();
        assertThat(printed)
                .contains("POST /v1/transfers -> 201")
                .contains("GET /v1/transfers/00000000-0000-0000-0000-000000000000 -> 404")
                .contains("\"status\":404")
                .endsWith("done: alice paid bob 12.50 by card (once, though asked twice) and 3.00 from a request\n");
        // bob's wallet holds both payments, once each
        String bob = printed.replaceAll("(?s).*\"username\":\"(bob_[^\"]+)\".*", "$1");
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM transfers t JOIN users u ON u.id = t.receiver_id WHERE u.username = ?",
                        Long.class,
                        bob))
                .isEqualTo(2L);
    }
}
