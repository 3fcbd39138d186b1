package com.wallet.stack.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The classpath of a server JVM, as Maven resolved it when the {@code stack-servers/<name>} module was built, with the
 * code of {@link ParentWatch} in front.
 */
public final class ServerClasspath {

    private ServerClasspath() {}

    public static String of(String server) {
        String resource = "com/wallet/stack/servers/" + server + ".classpath";
        String listed;
        try (InputStream in = ServerClasspath.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the classpath: build the stack-servers/"
                        + server + " module first (the README's commands do)");
            }
            listed = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        List<String> entries = new ArrayList<>();
        entries.add(ownCodeLocation().toString());
        for (String entry : listed.split(File.pathSeparator)) {
            if (!Files.exists(Path.of(entry))) {
                throw new IllegalStateException(
                        server + " classpath entry " + entry + " is missing: rebuild with the README's commands");
            }
            entries.add(entry);
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Path ownCodeLocation() {
        try {
            return Path.of(ParentWatch.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the local-stack classes", e);
        }
    }
}
