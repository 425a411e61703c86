package dev.autoconvert.oci.registry;

/** What a blob push had to do. */
public enum BlobPushOutcome {
  /** The repository already had the blob: nothing was sent. */
  EXISTED,
  /** The registry linked the blob from another repository: nothing was uploaded. */
  MOUNTED,
  /** The content was uploaded. */
  UPLOADED
}
