package dev.autoconvert.oci.registry;

import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /v2/<name>/blobs/<digest>}, from {@code offset} on with a {@code Range} header when
 * resuming. Hands the open body to {@link ResumableBlobStream}, which verifies the digest.
 */
final class BlobPuller implements RegistryOperation<BlobPuller.Body> {
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

  /** An open body whose first byte is byte {@code start} of the blob. */
  record Body(InputStream stream, long start) {}

  private final ImageReference repository;
  private final Digest digest;
  private final long offset;

  BlobPuller(ImageReference repository, Digest digest, long offset) {
    this.repository = repository;
    this.digest = digest;
    this.offset = offset;
  }

  @Override
  public String action() {
    return "pull blob " + digest + " from " + repository.name();
  }

  @Override
  public List<String> scopes() {
    return List.of(RegistryOperation.pull(repository.repository()));
  }

  @Override
  public HttpRequest.Builder request(URI base) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(base.resolve("/v2/" + repository.repository() + "/blobs/" + digest))
            .GET();
    if (offset > 0) {
      builder.header("Range", "bytes=" + offset + "-");
    }
    return builder;
  }

  @Override
  public boolean accepts(int status) {
    return status == 200 || status == 206;
  }

  @Override
  public boolean keepsBody() {
    return true;
  }

  @Override
  public Body handle(HttpResponse<InputStream> response) throws IOException {
    if (response.statusCode() == 200) {
      return new Body(response.body(), 0);
    }
    String range = Http.header(response.headers(), "Content-Range");
    Matcher m = range == null ? null : CONTENT_RANGE.matcher(range);
    if (m == null || !m.matches() || Long.parseLong(m.group(1)) != offset) {
      response.body().close();
      throw new IOException(
          action() + ": asked for bytes from " + offset + ", got Content-Range " + range);
    }
    return new Body(response.body(), offset);
  }
}
