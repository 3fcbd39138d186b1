package com.wallet.stack;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Where benchmarks print their figures: standard output and, appended, the results file ({@code bench.results},
 * default {@code bench/results.txt} under the directory Maven runs in), each benchmark's lines under a header with
 * its name and the time. {@code mvn -q -Pbench package} runs every benchmark and so collects all figures there.
 */
public final class BenchResults {

    private static PrintStream out;

    private BenchResults() {}

    /** Starts a benchmark's section of the results file and returns the stream for its figures. */
    public static synchronized PrintStream start(String benchmark) {
        Path file = file();
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            OutputStream results = new FileOutputStream(file.toFile(), true);
            PrintStream tee = new PrintStream(
                    new OutputStream() {
                        @Override
                        public void write(int b) throws IOException {
                            System.out.write(b);
                            results.write(b);
                        }

                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            System.out.write(b, off, len);
                            results.write(b, off, len);
                        }

                        @Override
                        public void flush() throws IOException {
                            System.out.flush();
                            results.flush();
                        }
                    },
                    true,
                    StandardCharsets.UTF_8);
            tee.printf("%n## %s (%s)%n", benchmark, Instant.now());
            out = tee;
            return tee;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file.toAbsolutePath(), e);
        }
    }

    /** The results file; a benchmark writes what else it makes (plots, profiles) beside it. */
    public static Path file() {
        return Path.of(System.getProperty("bench.results", "bench/results.txt")).toAbsolutePath();
    }

    /** The current benchmark's stream (standard output before {@link #start}). */
    public static synchronized PrintStream out() {
        return out != null ? out : System.out;
    }
}
