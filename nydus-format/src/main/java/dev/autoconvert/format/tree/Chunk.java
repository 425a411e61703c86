package dev.autoconvert.format.tree;

/**
 * One chunk of a regular file as stored in a Nydus data blob (NYDUS-FORMAT.md §1.11, §1.14, §3.4).
 *
 * @param blobIndex position of the blob in the bootstrap's blob table (0-based)
 * @param index the chunk's index in its blob's chunk info (CI) array
 * @param compressedOffset absolute offset of the stored chunk inside the blob file
 * @param compressedSize stored size; equal to {@code uncompressedSize} when stored raw
 * @param uncompressedOffset offset in the blob's uncompressed address space, 4096-aligned
 * @param uncompressedSize chunk length before compression
 * @param fileOffset offset of the chunk inside the file that first used it
 * @param digest 32-byte digest (blake3 or sha256) of the uncompressed chunk
 * @param crc32 CRC-32C of the uncompressed chunk (nydus ≥ 2.3.2 records it, §1.14), or {@link
 *     #NO_CRC32} when the bootstrap it was read from has none
 */
public record Chunk(
    int blobIndex,
    int index,
    long compressedOffset,
    int compressedSize,
    long uncompressedOffset,
    int uncompressedSize,
    long fileOffset,
    byte[] digest,
    long crc32) {

  /** No CRC recorded: older nydus bootstraps leave the chunk table's HAS_CRC32 flag unset. */
  public static final long NO_CRC32 = -1;

  public Chunk {
    if (digest.length != 32) {
      throw new IllegalArgumentException("chunk digest must be 32 bytes, got " + digest.length);
    }
    if ((uncompressedOffset & 4095) != 0) {
      throw new IllegalArgumentException(
          "uncompressed chunk offset " + uncompressedOffset + " is not 4096-aligned");
    }
    if (crc32 != NO_CRC32 && (crc32 >>> 32) != 0) {
      throw new IllegalArgumentException(
          "chunk CRC-32C " + crc32 + " is not an unsigned 32-bit value");
    }
  }

  public boolean hasCrc32() {
    return crc32 != NO_CRC32;
  }

  public boolean compressed() {
    return compressedSize != uncompressedSize;
  }

  public Chunk withBlobIndex(int newBlobIndex) {
    return new Chunk(
        newBlobIndex,
        index,
        compressedOffset,
        compressedSize,
        uncompressedOffset,
        uncompressedSize,
        fileOffset,
        digest,
        crc32);
  }
}
