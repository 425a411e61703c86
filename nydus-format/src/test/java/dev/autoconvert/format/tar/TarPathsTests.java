package dev.autoconvert.format.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TarPathsTests {
  private static String normalize(String name) throws TarException {
    return TarPaths.normalize(name, LayerLimits.DEFAULT, "layer: entry");
  }

  @ParameterizedTest
  @CsvSource({
    "./usr/bin/env, /usr/bin/env",
    "usr/bin/env, /usr/bin/env",
    "/usr/bin/env, /usr/bin/env",
    "./etc/, /etc",
    "a//b///c, /a/b/c",
    "/a/./b/., /a/b",
    "a/b/../c, /a/c",
    "a/b/.., /a",
    "a/.., /",
    "., /",
    "./, /",
    "/, /",
    "..., /...",
    "a/.hidden/..x, /a/.hidden/..x",
    "Grüße/日本.txt, /Grüße/日本.txt"
  })
  void namesBecomeAbsoluteNormalisedPaths(String name, String path) throws Exception {
    assertThat(normalize(name)).isEqualTo(path);
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../etc/passwd", "./../x", "a/../../x", "a/b/../../.."})
  void namesClimbingAboveTheRootAreRejected(String name) {
    assertThatThrownBy(() -> normalize(name))
        .isInstanceOf(TarException.class)
        .hasMessage("layer: entry: path escapes the layer root via '..'");
  }

  @ParameterizedTest
  @CsvSource({
    "'', empty entry name",
    "'a/b\u0000c', name contains a NUL byte",
  })
  void emptyNamesAndNulBytesAreRejected(String name, String reason) {
    assertThatThrownBy(() -> normalize(name)).hasMessage("layer: entry: " + reason);
  }

  @Test
  void componentsAreLimitedTo255BytesOfUtf8NotCharacters() throws Exception {
    assertThat(normalize("d/" + "x".repeat(255))).hasSize(2 + 1 + 255);
    // 128 two-byte characters are 256 bytes although only 128 chars.
    assertThatThrownBy(() -> normalize("d/" + "ü".repeat(128)))
        .hasMessage("layer: entry: path component longer than 255 bytes");
    // Four-byte characters (surrogate pairs): 63 fit (252 bytes), 64 do not.
    assertThat(normalize("😀".repeat(63))).isEqualTo("/" + "😀".repeat(63));
    assertThatThrownBy(() -> normalize("😀".repeat(64)))
        .hasMessage("layer: entry: path component longer than 255 bytes");
  }

  @Test
  void wholeNameLengthAndDepthAreBounded() throws Exception {
    LayerLimits limits = new LayerLimits(1 << 20, 300, 3, 100, 1L << 30);
    String longName = "a/".repeat(150) + "b";
    assertThatThrownBy(() -> TarPaths.normalize(longName, limits, "w"))
        .hasMessage("w: name longer than 300 bytes");
    assertThat(TarPaths.normalize("a/b/c", limits, "w")).isEqualTo("/a/b/c");
    assertThat(TarPaths.normalize("a/b/c/../d", limits, "w")).isEqualTo("/a/b/d");
    assertThatThrownBy(() -> TarPaths.normalize("a/b/c/d", limits, "w"))
        .hasMessage("w: deeper than 3 levels");
  }
}
