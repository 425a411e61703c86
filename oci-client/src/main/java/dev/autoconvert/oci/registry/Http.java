package dev.autoconvert.oci.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Small helpers shared by the operations. */
final class Http {
  /** Manifests and error bodies are small; a bigger answer is hostile or broken. */
  static final int MANIFEST_LIMIT = 4 * 1024 * 1024;

  static final int ERROR_BODY_LIMIT = 8 * 1024;

  private Http() {}

  /** Reads at most {@code limit} bytes; fails if the body is longer. Closes the body. */
  static byte[] readBody(HttpResponse<InputStream> response, int limit, String what)
      throws IOException {
    try (InputStream in = response.body()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (out.size() + n > limit) {
          throw new IOException(what + " is larger than " + limit + " bytes");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    }
  }

  /** Reads up to {@code limit} bytes and drops the rest; never fails on a long body. */
  static byte[] readPrefix(HttpResponse<InputStream> response, int limit) {
    try (InputStream in = response.body()) {
      return in.readNBytes(limit);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  static String header(HttpHeaders headers, String name) {
    return headers.firstValue(name).orElse(null);
  }

  static String requireHeader(HttpResponse<?> response, String name, String action)
      throws IOException {
    return response
        .headers()
        .firstValue(name)
        .orElseThrow(
            () ->
                new IOException(action + ": answer " + response.statusCode() + " has no " + name));
  }

  /** The media type without parameters ({@code ; charset=...}). */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
  }

  /** Adds a query parameter to a URI that may already have a query (upload locations do). */
  static URI withQuery(URI uri, String name, String value) {
    String s = uri.toString();
    String separator = uri.getRawQuery() == null ? "?" : "&";
    return URI.create(
        s + separator + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
