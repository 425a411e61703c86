package dev.autoconvert.bearer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSourceTests {
  private static final String SETTING = "AUTOCONVERT_RULES_ADMIN_TOKEN";

  @TempDir Path dir;

  @Test
  void aValueIsFixed() {
    TokenSource source = TokenSource.of("one, two", null, SETTING);

    assertThat(source.current().accepts("two")).isTrue();
    assertThat(source.toString()).isEqualTo(SETTING);
  }

  @Test
  void aFileHoldsTokensByLineOrCommaAndIsReadAgainWhenItChanges() throws IOException {
    Path file = Files.writeString(dir.resolve("token"), "old\n");
    TokenSource source = TokenSource.of(null, file, SETTING);
    assertThat(source.current().accepts("old")).isTrue();

    rewrite(file, "old\r\nnew, newer\n");
    assertThat(source.current().size()).isEqualTo(3);

    rewrite(file, "new\n");
    assertThat(source.current().accepts("old")).isFalse();
    assertThat(source.current().accepts("new")).isTrue();
    assertThat(source.toString()).isEqualTo(SETTING + "_FILE=" + file).doesNotContain("new");
  }

  @Test
  void anEmptiedOrRemovedFileKeepsTheTokensReadBefore() throws IOException {
    Path file = Files.writeString(dir.resolve("token"), "kept");
    TokenSource source = TokenSource.of(null, file, SETTING);

    rewrite(file, "\n");
    assertThat(source.current().accepts("kept")).isTrue();
    Files.delete(file);
    assertThat(source.current().accepts("kept")).isTrue();

    Files.writeString(file, "back");
    assertThat(source.current().accepts("back")).isTrue();
    assertThat(source.current().accepts("kept")).isFalse();
  }

  @Test
  void exactlyOneOfValueAndFileIsRequiredAndAFileMustHoldATokenAtStart() throws IOException {
    Path file = Files.writeString(dir.resolve("token"), "secret-value");
    Path empty = Files.writeString(dir.resolve("empty"), " \n");

    assertThatThrownBy(() -> TokenSource.of("a", file, SETTING))
        .hasMessage("set " + SETTING + " or " + SETTING + "_FILE, not both");
    assertThatThrownBy(() -> TokenSource.of(" ", null, SETTING))
        .hasMessage(SETTING + " or " + SETTING + "_FILE must be set");
    assertThatThrownBy(() -> TokenSource.of(null, empty, SETTING))
        .hasMessage(SETTING + "_FILE holds no token");
    assertThatThrownBy(() -> TokenSource.of(null, dir.resolve("missing"), SETTING))
        .hasMessageContaining(SETTING + "_FILE: cannot read " + dir.resolve("missing"));
  }

  /** Rewrites a file with a modification time of its own: tests may write twice in one tick. */
  private static void rewrite(Path file, String content) throws IOException {
    FileTime before = Files.getLastModifiedTime(file);
    Files.writeString(file, content);
    Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plusSeconds(1)));
  }
}
