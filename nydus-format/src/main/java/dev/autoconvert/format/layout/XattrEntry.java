package dev.autoconvert.format.layout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One inline xattr: a 4-byte {@code struct erofs_xattr_entry} followed by the name suffix and the
 * value, zero padded to 4 bytes (NYDUS-FORMAT.md §1.13). The key's namespace prefix is replaced by
 * a name index; nydus accepts only the five namespaces of {@link Namespace}.
 */
public record XattrEntry(String key, byte[] value) {

  /** Size of the fixed part; name and value follow. */
  public static final int SIZE = 4;

  /** e_name_len u8: length of the name suffix. */
  public static final int OFF_NAME_LEN = 0;

  /** e_name_index u8: namespace ({@link Namespace}). */
  public static final int OFF_NAME_INDEX = 1;

  /** e_value_size u16. */
  public static final int OFF_VALUE_SIZE = 2;

  /** The namespaces RAFS v6 can store, with their EROFS name index. */
  public enum Namespace {
    USER(1, "user."),
    POSIX_ACL_ACCESS(2, "system.posix_acl_access"),
    POSIX_ACL_DEFAULT(3, "system.posix_acl_default"),
    TRUSTED(4, "trusted."),
    SECURITY(6, "security.");

    private final int index;
    private final String prefix;

    Namespace(int index, String prefix) {
      this.index = index;
      this.prefix = prefix;
    }

    public int index() {
      return index;
    }

    public String prefix() {
      return prefix;
    }

    /** The ACL keys are whole names; the others are prefixes followed by a non-empty suffix. */
    boolean matches(String key) {
      return prefix.endsWith(".")
          ? key.startsWith(prefix) && key.length() > prefix.length()
          : key.equals(prefix);
    }

    static Namespace ofIndex(int index) {
      for (Namespace n : values()) {
        if (n.index == index) {
          return n;
        }
      }
      return null;
    }
  }

  public XattrEntry {
    value = value.clone();
    namespace(key);
    if (suffix(key).length > 255) {
      throw new IllegalArgumentException(
          "xattr name too long (max 255 bytes after prefix): " + key);
    }
    if (value.length > 0xffff) {
      throw new IllegalArgumentException(
          "xattr value of " + key + " is " + value.length + " bytes, max 65535");
    }
  }

  public static Namespace namespace(String key) {
    for (Namespace n : Namespace.values()) {
      if (n.matches(key)) {
        return n;
      }
    }
    throw new IllegalArgumentException(
        "xattr '"
            + key
            + "' is not in a namespace RAFS v6 can store (user., trusted., security.,"
            + " system.posix_acl_access, system.posix_acl_default)");
  }

  private static byte[] suffix(String key) {
    return key.substring(namespace(key).prefix.length()).getBytes(StandardCharsets.UTF_8);
  }

  /** Bytes this entry takes, padding included. */
  public int encodedSize() {
    return (int) Bytes.roundUp(SIZE + suffix(key).length + value.length, 4);
  }

  public byte[] encode() {
    byte[] name = suffix(key);
    ByteBuffer b = Bytes.buffer(encodedSize());
    b.put(OFF_NAME_LEN, (byte) name.length);
    b.put(OFF_NAME_INDEX, (byte) namespace(key).index);
    b.putShort(OFF_VALUE_SIZE, (short) value.length);
    b.put(SIZE, name);
    b.put(SIZE + name.length, value);
    return b.array();
  }

  /**
   * Decodes the entry at {@code at}; returns null for an unknown name index so the caller can
   * report it with the inode's context.
   */
  public static XattrEntry decode(ByteBuffer b, int at) {
    int nameLen = Bytes.u8(b, at + OFF_NAME_LEN);
    Namespace ns = Namespace.ofIndex(Bytes.u8(b, at + OFF_NAME_INDEX));
    int valueSize = Bytes.u16(b, at + OFF_VALUE_SIZE);
    if (ns == null) {
      return null;
    }
    String name = new String(Bytes.slice(b, at + SIZE, nameLen), StandardCharsets.UTF_8);
    return new XattrEntry(ns.prefix + name, Bytes.slice(b, at + SIZE + nameLen, valueSize));
  }

  /** Size of the entry at {@code at} in an encoded area, padding included. */
  public static int encodedSizeAt(ByteBuffer b, int at) {
    return (int)
        Bytes.roundUp(SIZE + Bytes.u8(b, at + OFF_NAME_LEN) + Bytes.u16(b, at + OFF_VALUE_SIZE), 4);
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof XattrEntry other
        && key.equals(other.key)
        && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return key.hashCode() * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "XattrEntry[" + key + ", " + value.length + " bytes]";
  }
}
