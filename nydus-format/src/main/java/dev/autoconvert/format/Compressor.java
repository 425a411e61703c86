package dev.autoconvert.format;

/** Chunk compression algorithms, with their code in the Nydus blob table (NYDUS-FORMAT.md §1.5). */
public enum Compressor implements CliNamed {
  NONE(0, "none"),
  LZ4_BLOCK(1, "lz4_block"),
  ZSTD(3, "zstd");

  private final int code;
  private final String cliName;

  Compressor(int code, String cliName) {
    this.code = code;
    this.cliName = cliName;
  }

  /** Value of {@code compression_algo} in the blob table and the extended superblock. */
  public int code() {
    return code;
  }

  /** The name nydus-image and nydusify use on their command lines. */
  @Override
  public String cliName() {
    return cliName;
  }

  public static Compressor fromCliName(String name) {
    return CliNamed.byCliName(values(), name, "compressor");
  }
}
