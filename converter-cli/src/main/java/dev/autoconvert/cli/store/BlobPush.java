package dev.autoconvert.cli.store;

/** What pushing a blob had to do. */
public enum BlobPush {
  /** The target had it: nothing sent. */
  EXISTED,
  /** Linked from another repository of the same registry: nothing uploaded. */
  MOUNTED,
  /** The content was uploaded. */
  UPLOADED
}
