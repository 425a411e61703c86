package dev.autoconvert.bearer;

import dev.autoconvert.reload.FileBacked;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Where one role's tokens come from: a setting's value, fixed at start, or a file (a mounted
 * Kubernetes or Docker secret, say) that is read again whenever it changes, so that tokens rotate
 * without a restart. The file holds tokens separated by newlines or commas.
 *
 * <p>A file that becomes unreadable or empty after start keeps the tokens last read (and logs a
 * warning once per change): a secret caught mid-update must not lock every client out. A file is
 * looked at with one {@code stat} per request ({@link FileBacked}).
 */
public final class TokenSource {
  private final String name;
  private final Supplier<BearerTokens> tokens;

  private TokenSource(String name, Supplier<BearerTokens> tokens) {
    this.name = name;
    this.tokens = tokens;
  }

  /**
   * The tokens of a value or of a file: exactly one of them must be given.
   *
   * @param value the tokens, comma-separated, or null
   * @param file a file of tokens, or null
   * @param setting how messages name the value's setting, e.g. {@code
   *     AUTOCONVERT_RULES_ADMIN_TOKEN}; the file's is this plus {@code _FILE}
   * @throws IllegalArgumentException naming the settings (never a token) when both or neither are
   *     given, or the file cannot be read or holds no token
   */
  public static TokenSource of(String value, Path file, String setting) {
    boolean hasValue = value != null && !value.isBlank();
    if (hasValue == (file != null)) {
      throw new IllegalArgumentException(
          hasValue
              ? "set " + setting + " or " + setting + "_FILE, not both"
              : setting + " or " + setting + "_FILE must be set");
    }
    if (hasValue) {
      BearerTokens fixed = BearerTokens.parse(value, setting);
      return new TokenSource(setting, () -> fixed);
    }
    String fileSetting = setting + "_FILE";
    try {
      FileBacked<BearerTokens> read =
          FileBacked.read(
              fileSetting, () -> FileBacked.stateOf(file), () -> read(file, fileSetting));
      return new TokenSource(fileSetting + "=" + file, read::current);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          fileSetting + ": cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The tokens now: a changed file is read again. */
  public BearerTokens current() {
    return tokens.get();
  }

  private static BearerTokens read(Path file, String setting) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return BearerTokens.parse(text.replace('\n', ',').replace('\r', ','), setting);
  }

  @Override
  public String toString() {
    return name;
  }
}
