package com.wallet.cassandra.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One numbered CQL script, {@code V0001__feed_tables.cql}: version 1, description "feed tables". Statements end with
 * a semicolon; lines starting with {@code --} or {@code //} are comments; {@code ${keyspace}} names the keyspace.
 */
public record Migration(int version, String description, String script, String text) {

    private static final Pattern NAME = Pattern.compile("V(\\d{4,})__([A-Za-z0-9_]+)\\.cql");
    private static final String KEYSPACE_PLACEHOLDER = "${keyspace}";

    public Migration {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(text, "text");
        if (version < 1) {
            throw new IllegalArgumentException("migration version must be 1 or more, was " + version);
        }
    }

    /** Parses a script's file name and content; fails naming the file if the name is not {@code V<nnnn>__<words>.cql}. */
    public static Migration of(String fileName, String text) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "migration file name must look like V0001__some_words.cql, was '" + fileName + "'");
        }
        return new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), fileName, text);
    }

    public static boolean isMigrationFile(String fileName) {
        return fileName.endsWith(".cql");
    }

    /** The statements to execute, in order, for the given keyspace. */
    public List<String> statements(String keyspace) {
        StringBuilder withoutComments = new StringBuilder();
        for (String line : text.split("\\R")) {
            String trimmed = line.trim();
            if (!trimmed.startsWith("--") && !trimmed.startsWith("//")) {
                withoutComments.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String statement : withoutComments.toString().split(";")) {
            String cql = statement.trim();
            if (!cql.isEmpty()) {
                statements.add(cql.replace(KEYSPACE_PLACEHOLDER, keyspace));
            }
        }
        if (statements.isEmpty()) {
            throw new IllegalArgumentException(script + " contains no statement");
        }
        return statements;
    }

    /** SHA-256 of the script text: an applied script must never change. */
    public String checksum() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
