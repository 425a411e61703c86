package dev.autoconvert.format.blob;

/** Blob feature bits ({@code BlobFeatures}, NYDUS-FORMAT.md §1.5) that tar-rafs blobs carry. */
public final class BlobFeatures {
  /** Uncompressed chunk offsets are 4096-aligned; nydusd rejects RAFS v6 blobs without it. */
  public static final int ALIGNED = 0x1;

  /** The layer's bootstrap (image.boot) is inside the blob. */
  public static final int INLINED_FS_META = 0x2;

  /** 24-byte CI entries (batch, ZRAN, encryption); not written or read here. */
  public static final int CHUNK_INFO_V2 = 0x4;

  /** CI v2 entries index a ZRAN context that follows them (OCI-ref blobs); not written here. */
  public static final int ZRAN = 0x8;

  /** The blob carries a blob.digest segment. */
  public static final int INLINED_CHUNK_DIGEST = 0x20;

  /** CI v2 entries index a batch context that follows them; not written here. */
  public static final int BATCH = 0x80;

  /** Each segment is followed by a tar header. */
  public static final int HAS_TAR_HEADER = 0x10000000;

  /** The blob ends with a rafs.blob.toc segment. */
  public static final int HAS_TOC = 0x20000000;

  /** "Built by nydus-image 2.2 or later" capability bit. */
  public static final int CAP_TAR_TOC = 0x40000000;

  /** What a per-layer blob with chunks declares: 0x70000023. */
  public static final int PER_LAYER =
      ALIGNED | INLINED_FS_META | INLINED_CHUNK_DIGEST | HAS_TAR_HEADER | HAS_TOC | CAP_TAR_TOC;

  private BlobFeatures() {}
}
