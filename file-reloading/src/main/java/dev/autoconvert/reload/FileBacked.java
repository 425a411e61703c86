package dev.autoconvert.reload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

/**
 * A value read from files and read again whenever they change, so that mounted secrets and
 * certificates rotate without a restart. Every {@link #current} call first looks at the files'
 * state (one {@code stat} per file, see {@link #stateOf}) and reads them again only when it
 * changed.
 *
 * <p>A read that fails after the first keeps the value read before and logs one warning per file
 * state: a secret caught mid-update must not take away a setting that worked. The first read's
 * failure is thrown, so a service does not start with a broken setting.
 *
 * @param <T> the value; its {@code toString} is logged when it is read again, so it must not hold
 *     secrets
 */
public final class FileBacked<T> {
  private static final System.Logger LOG = System.getLogger(FileBacked.class.getName());

  /** Reads the value from the files. */
  @FunctionalInterface
  public interface Reader<T> {
    /**
     * @throws IOException or {@link IllegalArgumentException} when the files cannot be read or hold
     *     no valid value; the message names the file
     */
    T read() throws IOException;
  }

  /** The files' state now: whatever changes when any of them does (see {@link #stateOf}). */
  @FunctionalInterface
  public interface State {
    List<Object> now() throws IOException;
  }

  private final String name;
  private final State state;
  private final Reader<T> reader;
  private volatile Snapshot<T> snapshot;

  /** The value, and the state it was read in (or the state whose read failed). */
  private record Snapshot<T>(T value, List<Object> state) {}

  private FileBacked(String name, State state, Reader<T> reader, Snapshot<T> first) {
    this.name = name;
    this.state = state;
    this.reader = reader;
    this.snapshot = first;
  }

  /**
   * Reads the value now, and again whenever {@code state} changes.
   *
   * @param name how log messages name the setting, e.g. {@code AUTOCONVERT_RULES_ADMIN_TOKEN_FILE}
   * @throws IOException or {@link IllegalArgumentException} from the first read
   */
  public static <T> FileBacked<T> read(String name, State state, Reader<T> reader)
      throws IOException {
    List<Object> before = state.now(); // taken first: a change during the read is read next time
    return new FileBacked<>(name, state, reader, new Snapshot<>(reader.read(), before));
  }

  /** The value now: changed files are read again. */
  public T current() {
    Snapshot<T> seen = snapshot;
    List<Object> now;
    try {
      now = state.now();
    } catch (IOException | UncheckedIOException e) {
      keepAfterFailure(seen, List.of("unreadable"), e.toString());
      return seen.value();
    }
    if (!now.equals(seen.state())) {
      reload(now);
    }
    return snapshot.value();
  }

  private synchronized void reload(List<Object> now) {
    Snapshot<T> seen = snapshot;
    if (now.equals(seen.state())) {
      return; // another caller read it meanwhile
    }
    try {
      snapshot = new Snapshot<>(reader.read(), now);
      LOG.log(Level.INFO, "{0}: read again: {1}", name, snapshot.value());
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      keepAfterFailure(seen, now, e.getMessage());
    }
  }

  /** Logs a failed read once per file state, keeping the value read before. */
  private synchronized void keepAfterFailure(Snapshot<T> seen, List<Object> failed, String why) {
    if (snapshot == seen && !failed.equals(seen.state())) {
      LOG.log(Level.WARNING, "{0}: {1}; what was read before stays in use", name, why);
      snapshot = new Snapshot<>(seen.value(), failed);
    }
  }

  /**
   * A file's state: its modification time, size and file key (inode), following symbolic links. A
   * rewrite changes the first two, a replaced file or a swapped symbolic link (how Kubernetes
   * updates a mounted secret) the key.
   */
  public static List<Object> stateOf(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return List.of(
        file.toString(),
        attributes.lastModifiedTime(),
        attributes.size(),
        Objects.requireNonNullElse(attributes.fileKey(), ""));
  }

  @Override
  public String toString() {
    return name;
  }
}
