package com.wallet.cassandra.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads the migration scripts under a classpath folder, from a directory or from inside a jar. */
public final class MigrationScripts {

    /** Where this module's own scripts live. */
    public static final String DEFAULT_LOCATION = "cassandra/migrations";

    private MigrationScripts() {}

    /** The scripts in version order; fails on a duplicate version or a badly named file. */
    public static List<Migration> load(String location) {
        URL url = MigrationScripts.class.getClassLoader().getResource(location);
        if (url == null) {
            throw new IllegalArgumentException("no migration folder '" + location + "' on the classpath");
        }
        try {
            URI uri = url.toURI();
            if (uri.getScheme().equals("jar")) {
                try (FileSystem jar = openJar(uri)) {
                    return read(jar.provider().getPath(uri));
                } catch (FileSystemAlreadyExistsException e) {
                    return read(FileSystems.getFileSystem(uri).provider().getPath(uri));
                }
            }
            return read(Path.of(uri));
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad classpath URL " + url, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migrations from " + url, e);
        }
    }

    private static FileSystem openJar(URI uri) throws IOException {
        return FileSystems.newFileSystem(uri, Map.of());
    }

    private static List<Migration> read(Path folder) throws IOException {
        List<Migration> migrations = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (Migration.isMigrationFile(name)) {
                    migrations.add(Migration.of(name, Files.readString(file, StandardCharsets.UTF_8)));
                }
            }
        }
        migrations.sort(Comparator.comparingInt(Migration::version));
        Map<Integer, String> seen = new HashMap<>();
        for (Migration m : migrations) {
            String other = seen.putIfAbsent(m.version(), m.script());
            if (other != null) {
                throw new IllegalStateException(
                        "two migrations share version " + m.version() + ": " + other + " and " + m.script());
            }
        }
        if (migrations.isEmpty()) {
            throw new IllegalStateException("no migration scripts in " + folder);
        }
        return migrations;
    }
}
