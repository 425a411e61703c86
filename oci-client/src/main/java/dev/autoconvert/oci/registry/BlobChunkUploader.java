package dev.autoconvert.oci.registry;

import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ImageReference;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * {@code PATCH <upload location>} with one chunk ({@code Content-Range: start-end}, inclusive) read
 * from the open source stream. Answers the session's next location.
 */
final class BlobChunkUploader implements RegistryOperation<URI> {
  private final ImageReference repository;
  private final Digest digest;
  private final URI location;
  private final InputStream source;
  private final long offset;
  private final long length;

  BlobChunkUploader(
      ImageReference repository,
      Digest digest,
      URI location,
      InputStream source,
      long offset,
      long length) {
    this.repository = repository;
    this.digest = digest;
    this.location = location;
    this.source = source;
    this.offset = offset;
    this.length = length;
  }

  @Override
  public String action() {
    return "push blob "
        + digest
        + " to "
        + repository.name()
        + " (chunk at "
        + offset
        + ", "
        + length
        + " bytes)";
  }

  @Override
  public List<String> scopes() {
    return List.of(RegistryOperation.push(repository.repository()));
  }

  @Override
  public HttpRequest.Builder request(URI base) {
    HttpRequest.BodyPublisher body =
        HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(() -> new Slice(source, length)), length);
    return HttpRequest.newBuilder(location)
        .method("PATCH", body)
        .header("Content-Type", "application/octet-stream")
        .header("Content-Range", offset + "-" + (offset + length - 1));
  }

  @Override
  public boolean accepts(int status) {
    return status == 202;
  }

  @Override
  public boolean replayable() {
    return false;
  }

  @Override
  public URI handle(HttpResponse<InputStream> response) throws IOException {
    return response.uri().resolve(Http.requireHeader(response, "Location", action()));
  }

  /** The next {@code length} bytes of the shared stream; closing it leaves the stream open. */
  private static final class Slice extends FilterInputStream {
    private long remaining;

    Slice(InputStream in, long length) {
      super(in);
      this.remaining = length;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }

    @Override
    public void close() {}
  }
}
