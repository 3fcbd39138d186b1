package com.wallet.settlement;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files only the settlement user may read: NACHA files hold full account numbers, reconciliation reports user ids and
 * amounts. The output directory is created owner-only ({@code rwx------}) and each file is written to an owner-only
 * temporary file ({@code rw-------}) that is then renamed into place, so nobody ever sees a partial file.
 */
public final class PrivateFiles {

    private PrivateFiles() {}

    /** What is written to a file, streamed. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code text} to {@code target} (replacing it) atomically and readable by the owner only. */
    public static void write(Path target, String text, Charset charset) throws IOException {
        write(target, out -> out.write(text.getBytes(charset)));
    }

    /**
     * Writes what {@code content} writes to {@code target} (replacing it) atomically and readable by the owner only:
     * nobody sees it before it is whole.
     */
    public static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        createDirectory(dir);
        removeLeftovers(dir);
        Path temp = Files.createTempFile(dir, ".write-", ".tmp"); // rw------- on POSIX file systems
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                content.writeTo(out);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * How old a temporary file must be to be taken for one a killed process left (its {@code finally} never ran): an
     * hour, far longer than any write (a file of 1.2 million ACH entries takes seconds), so another job's write in
     * progress in the same directory is never touched.
     */
    static final java.time.Duration LEFTOVER_AGE = java.time.Duration.ofHours(1);

    /**
     * Removes the temporary files of writes a killed process left in {@code dir}: NACHA files hold full account
     * numbers, and nothing else would ever remove them.
     */
    static void removeLeftovers(Path dir) throws IOException {
        java.time.Instant before = java.time.Instant.now().minus(LEFTOVER_AGE);
        try (var files = Files.newDirectoryStream(dir, ".write-*.tmp")) {
            for (Path file : files) {
                try {
                    if (Files.getLastModifiedTime(file).toInstant().isBefore(before)) {
                        Files.deleteIfExists(file);
                    }
                } catch (java.nio.file.NoSuchFileException e) {
                    // removed meanwhile by another run
                }
            }
        }
    }

    /** Creates the directory owner-only if it does not exist; an existing one is left as its owner set it. */
    public static void createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }
}
