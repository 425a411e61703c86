package dev.autoconvert.bearer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

/**
 * Where one role's tokens come from: a setting's value, fixed at start, or a file (a mounted
 * Kubernetes or Docker secret, say) that is read again whenever it changes, so that tokens rotate
 * without a restart. The file holds tokens separated by newlines or commas.
 *
 * <p>A file that becomes unreadable or empty after start keeps the tokens last read (and logs a
 * warning once per change): a secret caught mid-update must not lock every client out. A file is
 * looked at with one {@code stat} per request.
 */
public final class TokenSource {
  private static final System.Logger LOG = System.getLogger(TokenSource.class.getName());

  private final Path file;
  private final String setting;
  private volatile Snapshot snapshot;

  /** The tokens, and the file state they were read from (null for a fixed value). */
  private record Snapshot(BearerTokens tokens, List<Object> stamp) {}

  private TokenSource(Path file, String setting, Snapshot snapshot) {
    this.file = file;
    this.setting = setting;
    this.snapshot = snapshot;
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
      return new TokenSource(null, setting, new Snapshot(BearerTokens.parse(value, setting), null));
    }
    try {
      List<Object> stamp = stamp(file);
      return new TokenSource(file, setting, new Snapshot(read(file, setting), stamp));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          setting + "_FILE: cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The tokens now: a changed file is read again. */
  public BearerTokens current() {
    Snapshot seen = snapshot;
    if (file == null) {
      return seen.tokens();
    }
    List<Object> stamp;
    try {
      stamp = stamp(file);
    } catch (IOException e) {
      warnOnce(seen, List.of("unreadable"), "cannot read " + file + " (" + e + ")");
      return seen.tokens();
    }
    if (!stamp.equals(seen.stamp())) {
      reload(stamp);
    }
    return snapshot.tokens();
  }

  private synchronized void reload(List<Object> stamp) {
    Snapshot seen = snapshot;
    if (stamp.equals(seen.stamp())) {
      return; // another request read it meanwhile
    }
    try {
      snapshot = new Snapshot(read(file, setting), stamp);
      LOG.log(Level.INFO, "{0}_FILE: read {1} again: {2}", setting, file, snapshot.tokens());
    } catch (IOException e) {
      warnOnce(seen, stamp, "cannot read " + file + " (" + e + ")");
    } catch (IllegalArgumentException noToken) {
      warnOnce(seen, stamp, file + " holds no token");
    }
  }

  /** Logs a failed read once per file state, keeping the tokens read before. */
  private synchronized void warnOnce(Snapshot seen, List<Object> failedStamp, String why) {
    if (snapshot == seen && !failedStamp.equals(seen.stamp())) {
      LOG.log(Level.WARNING, "{0}_FILE: {1}; the tokens read before stay valid", setting, why);
      snapshot = new Snapshot(seen.tokens(), failedStamp);
    }
  }

  private static BearerTokens read(Path file, String setting) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return BearerTokens.parse(text.replace('\n', ',').replace('\r', ','), setting + "_FILE");
  }

  /** Modification time, size and file key: a rewrite or a swapped symlink changes one of them. */
  private static List<Object> stamp(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return List.of(
        attributes.lastModifiedTime(),
        attributes.size(),
        Objects.requireNonNullElse(attributes.fileKey(), ""));
  }

  @Override
  public String toString() {
    return file == null ? setting : setting + "_FILE=" + file;
  }
}
