package dev.autoconvert.listener.intake;

/**
 * Why a well-formed event is acknowledged without being published. Ignored events are answered 2xx:
 * a registry retries anything else forever and holds back every later event behind it.
 */
public enum IgnoreReason {
  /** Pulls, mounts, deletes, scans and every other action that is not a push. */
  NOT_A_PUSH("not_a_push"),
  /** A push of a blob or of something that is not an image manifest or index. */
  NOT_A_MANIFEST("not_a_manifest"),
  /** A manifest pushed by digest only (the children of an index, Harbor pushes by digest). */
  UNTAGGED("untagged"),
  /** Delivered again after this listener already had it acknowledged by Kafka. */
  DUPLICATE("duplicate");

  private final String tag;

  IgnoreReason(String tag) {
    this.tag = tag;
  }

  /** The metric tag value. */
  public String tag() {
    return tag;
  }
}
