package com.wallet.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * A service's runnable jar, started as an operator would ({@code java -jar <module>/target/<module>-*-exec.jar}, every
 * setting an environment variable), for the tests that show the jars work; and the plain HTTP probe they read health
 * and metrics with.
 */
public final class ServiceJar {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ServiceJar() {}

    /** The module's {@code target/<module>-*-exec.jar}, built by its package phase (failsafe runs after it). */
    public static Path of(String module) {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target"), module + "-*-exec.jar")) {
            Iterator<Path> found = jars.iterator();
            if (!found.hasNext()) {
                throw new IllegalStateException(
                        "no target/" + module + "-*-exec.jar: the package phase builds it (mvn verify does)");
            }
            return found.next();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The environment variable an operator sets for a setting: {@code cdc.http.port} is {@code CDC_HTTP_PORT}. */
    public static String variable(String setting) {
        return setting.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Starts {@code java -jar jar} with {@code environment} added to this one's, output to {@code log}. */
    public static Process start(Path jar, Map<String, String> environment, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** SIGTERM, as a supervisor stops a service; true if the process ended on its own {@code within}. */
    public static boolean terminate(Process process, java.time.Duration within) throws InterruptedException {
        process.destroy();
        return process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** {@code "<status> <body>"} of a GET on 127.0.0.1, or {@code "unreachable ..."}: for awaiting and asserting. */
    public static String get(int port, String path) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body();
        } catch (IOException e) {
            return "unreachable " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
