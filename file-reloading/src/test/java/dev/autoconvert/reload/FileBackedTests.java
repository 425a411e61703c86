package dev.autoconvert.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBackedTests {
  @TempDir Path dir;

  private final AtomicInteger reads = new AtomicInteger();

  private FileBacked<String> watch(Path file) throws IOException {
    return FileBacked.read(
        "SETTING_FILE",
        () -> FileBacked.stateOf(file),
        () -> {
          reads.incrementAndGet();
          String text = Files.readString(file).strip();
          if (text.isEmpty()) {
            throw new IllegalArgumentException(file + " is empty");
          }
          return text;
        });
  }

  @Test
  void aChangedFileIsReadAgainAndAnUnchangedOneIsNot() throws IOException {
    Path file = Files.writeString(dir.resolve("value"), "one");
    FileBacked<String> value = watch(file);

    assertThat(value.current()).isEqualTo("one");
    assertThat(value.current()).isEqualTo("one");
    assertThat(reads).hasValue(1);

    rewrite(file, "two");

    assertThat(value.current()).isEqualTo("two");
    assertThat(value.current()).isEqualTo("two");
    assertThat(reads).hasValue(2);
  }

  /** How Kubernetes updates a mounted secret: a new file, then a swapped symbolic link. */
  @Test
  void aSwappedSymbolicLinkIsFollowed() throws IOException {
    Path first = Files.writeString(dir.resolve("first"), "old");
    Path second = Files.writeString(dir.resolve("second"), "new");
    Path link = Files.createSymbolicLink(dir.resolve("value"), first);
    FileBacked<String> value = watch(link);
    Files.setLastModifiedTime(second, Files.getLastModifiedTime(first));

    Path swap = Files.createSymbolicLink(dir.resolve("value.tmp"), second);
    Files.move(swap, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    assertThat(value.current()).isEqualTo("new");
  }

  @Test
  void aFailedReadKeepsTheValueReadBeforeAndIsTriedOncePerFileState() throws IOException {
    Path file = Files.writeString(dir.resolve("value"), "kept");
    FileBacked<String> value = watch(file);

    rewrite(file, "\n");
    assertThat(value.current()).isEqualTo("kept");
    assertThat(value.current()).isEqualTo("kept");
    assertThat(reads).as("the broken state is read once, not per call").hasValue(2);

    Files.delete(file);
    assertThat(value.current()).isEqualTo("kept");

    Files.writeString(file, "back");
    assertThat(value.current()).isEqualTo("back");
  }

  @Test
  void theFirstReadsFailureIsThrown() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty"), " ");

    assertThatThrownBy(() -> watch(dir.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> watch(empty)).hasMessage(empty + " is empty");
  }

  /**
   * A later modification time, as a later write has: one within the clock's granularity may not.
   */
  private static void rewrite(Path file, String text) throws IOException {
    FileTime before = Files.getLastModifiedTime(file);
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 1000));
  }
}
