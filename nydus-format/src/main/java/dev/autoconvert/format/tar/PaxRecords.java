package dev.autoconvert.format.tar;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parser for the records of a PAX extended header ({@code "<len> <key>=<value>\n"}, POSIX.1-2001
 * pax format). Values stay raw bytes because {@code SCHILY.xattr.*} values are binary (e.g.
 * security.capability), which commons-compress would decode as text.
 */
final class PaxRecords {
  private PaxRecords() {}

  /** Returns the records in order; a later record with the same key wins. */
  static Map<String, byte[]> parse(byte[] header, int length, String where) throws TarException {
    Map<String, byte[]> records = new LinkedHashMap<>();
    int pos = 0;
    while (pos < length) {
      if (header[pos] == 0) {
        break; // some writers pad the header with NULs
      }
      int space = pos;
      long recordLength = 0;
      while (space < length && header[space] >= '0' && header[space] <= '9') {
        recordLength = recordLength * 10 + (header[space] - '0');
        if (recordLength > length) {
          throw new TarException(where + ": PAX record at offset " + pos + " longer than header");
        }
        space++;
      }
      int end = pos + (int) recordLength;
      if (space == pos
          || space >= length
          || header[space] != ' '
          || end > length
          || end <= space + 1
          || header[end - 1] != '\n') {
        throw new TarException(where + ": malformed PAX record at offset " + pos);
      }
      int equals = space + 1;
      while (equals < end - 1 && header[equals] != '=') {
        equals++;
      }
      if (equals >= end - 1 && header[equals] != '=') {
        throw new TarException(where + ": PAX record at offset " + pos + " has no '='");
      }
      String key = new String(header, space + 1, equals - space - 1, StandardCharsets.UTF_8);
      records.put(key, Arrays.copyOfRange(header, equals + 1, end - 1));
      pos = end;
    }
    return records;
  }
}
