package com.wallet.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {

    @TempDir
    Path temp;

    @Test
    void aNewDirectoryAndItsFilesAreOwnerOnly() throws Exception {
        Path file = temp.resolve("a/b/entries.ach");
        PrivateFiles.write(file, "101 first", StandardCharsets.US_ASCII);
        assertThat(Files.readString(file)).isEqualTo("101 first");
        assertThat(permissions(file)).isEqualTo("rw-------");
        assertThat(permissions(file.getParent())).isEqualTo("rwx------");
        try (var left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void anExistingFileIsReplacedWholeAndAnExistingDirectoryKeepsItsPermissions() throws Exception {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-x---"));
        Path file = temp.resolve("report.json");
        Files.writeString(file, "old and longer than the new text");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        PrivateFiles.write(file, "new", StandardCharsets.UTF_8);
        assertThat(Files.readString(file)).isEqualTo("new");
        assertThat(permissions(file)).isEqualTo("rw-------");
        assertThat(permissions(temp)).isEqualTo("rwxr-x---");
    }

    /**
     * A temporary file a killed write left (its process gone before its {@code finally}: a NACHA file's account numbers)
     * is removed by a later write once an hour old; another write's fresh one is left alone.
     */
    @Test
    void aTemporaryFileAKilledWriteLeftIsRemovedOnceAnHourOld() throws Exception {
        Path leftover = Files.createTempFile(temp, ".write-", ".tmp");
        Files.writeString(leftover, "6270210000210001234567");
        Files.setLastModifiedTime(
                leftover,
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(2 * 3600)));
        Path inProgress = Files.createTempFile(temp, ".write-", ".tmp");
        Path unrelated = temp.resolve("old-report.json");
        Files.writeString(unrelated, "{}");
        Files.setLastModifiedTime(
                unrelated,
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(2 * 3600)));

        PrivateFiles.write(temp.resolve("entries.ach"), "101 next", StandardCharsets.US_ASCII);

        assertThat(leftover).doesNotExist();
        assertThat(inProgress).exists();
        assertThat(unrelated).exists();
        assertThat(temp.resolve("entries.ach")).hasContent("101 next");
    }

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
