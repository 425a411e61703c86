package dev.autoconvert.format;

/** Chunk digest algorithms, with their code in the Nydus blob table (NYDUS-FORMAT.md §1.5). */
public enum Digester implements CliNamed {
  BLAKE3(0, "blake3"),
  SHA256(1, "sha256");

  private final int code;
  private final String cliName;

  Digester(int code, String cliName) {
    this.code = code;
    this.cliName = cliName;
  }

  /** Value of {@code digest_algo} in the blob table. */
  public int code() {
    return code;
  }

  @Override
  public String cliName() {
    return cliName;
  }

  public static Digester fromCliName(String name) {
    return CliNamed.byCliName(values(), name, "digester");
  }
}
