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
