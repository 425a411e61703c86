package dev.autoconvert.format.tar;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.zip.ZipEncoding;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;

/**
 * UTF-8 for tar header fields, decoding exactly as commons-compress does, but without a fresh
 * {@link java.nio.charset.CharsetDecoder} and buffers per field for pure ASCII, which nearly every
 * name in a real layer is: a header has five such fields, and a layer tens of thousands of headers.
 */
final class AsciiFirstUtf8 implements ZipEncoding {
  static final ZipEncoding INSTANCE = new AsciiFirstUtf8();

  private final ZipEncoding utf8 = ZipEncodingHelper.getZipEncoding(StandardCharsets.UTF_8);

  private AsciiFirstUtf8() {}

  @Override
  public boolean canEncode(String name) {
    return utf8.canEncode(name);
  }

  @Override
  public ByteBuffer encode(String name) throws IOException {
    return utf8.encode(name);
  }

  @Override
  public String decode(byte[] data) throws IOException {
    for (byte b : data) {
      if (b < 0) {
        return utf8.decode(data);
      }
    }
    return new String(data, StandardCharsets.ISO_8859_1); // ASCII: identical in both
  }
}
