package com.wallet.sim;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the simulated networks hold (charges, payouts, files received, returns and rules pending, micro-deposits),
 * kept in a data directory so that a restart loses nothing: every change is appended as one JSON line to
 * {@code state.jsonl} (flushed before the call is answered) and replayed on the next start. Like a network's own
 * records it holds account numbers, so the file is readable by its owner only.
 */
final class StateJournal implements AutoCloseable {

    private final JsonMapper json;
    private final BufferedWriter out;

    private StateJournal(JsonMapper json, BufferedWriter out) {
        this.json = json;
        this.out = out;
    }

    /** Replays what {@code dir} holds into {@code apply}, then opens it for appending. */
    static StateJournal open(Path dir, JsonMapper json, Consumer<JsonNode> apply) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("state.jsonl");
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (String line : lines) {
                    if (!line.isBlank()) {
                        apply.accept(json.readTree(line));
                    }
                }
            } else {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            return new StateJournal(
                    json, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("the simulator's state in " + dir + " cannot be read", e);
        }
    }

    /** Appends one change, flushed to the file before it returns. */
    synchronized void append(String type, Object value) {
        try {
            out.write(json.writeValueAsString(Map.of("type", type, "value", value)));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the simulator's state cannot be written", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
