package com.wallet.stack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.wallet.stack.StackStartException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {

    @TempDir
    Path dir;

    @Test
    void aServerThatExitsDuringStartIsReportedWithTheTailOfItsLog() {
        ChildJvm child = new ChildJvm(
                "Example",
                dir,
                "example",
                List.of(),
                System.getProperty("java.class.path"),
                "no.such.MainClass",
                List.of());
        child.start();

        assertThatThrownBy(() -> child.awaitReady(Duration.ofSeconds(60), "never", () -> false))
                .isInstanceOf(StackStartException.class)
                .hasMessageStartingWith("Example: exited with code 1 before never")
                .hasMessageContaining("last 40 lines of " + dir.resolve("example.log"))
                .hasMessageContaining("ClassNotFoundException: no.such.MainClass");
    }

    @Test
    void aTakenFixedPortFailsNamingTheServerThePortAndTheSetting() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName(Ports.LOOPBACK))) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> Ports.claim("Kafka", "broker", port, "stack.kafka.port"))
                    .isInstanceOf(StackStartException.class)
                    .hasMessageStartingWith("Kafka: broker port " + port + " is already in use")
                    .hasMessageContaining("stack.kafka.port");
        }
    }

    @Test
    void freePortsAreDistinctAndBindable() throws IOException {
        List<Integer> ports = Ports.free(5);

        assertThat(ports).doesNotHaveDuplicates().hasSize(5);
        for (int port : ports) {
            assertThat(Ports.claim("Test", "any", port, "none")).isEqualTo(port);
        }
    }
}
