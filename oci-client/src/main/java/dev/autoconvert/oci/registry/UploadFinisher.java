package dev.autoconvert.oci.registry;

import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * {@code PUT <upload location>?digest=<digest>}: with the whole content (monolithic upload) or with
 * no body after the chunks. The registry computes the digest itself and refuses a mismatch.
 */
final class UploadFinisher implements RegistryOperation<Void> {
  private final ImageReference repository;
  private final URI location;
  private final BlobSource content;
  private final boolean withBody;

  /** Monolithic: sends all of {@code content}. */
  static UploadFinisher monolithic(ImageReference repository, URI location, BlobSource content) {
    return new UploadFinisher(repository, location, content, true);
  }

  /** Closes a chunked upload of {@code content}, whose bytes were all sent already. */
  static UploadFinisher afterChunks(ImageReference repository, URI location, BlobSource content) {
    return new UploadFinisher(repository, location, content, false);
  }

  private UploadFinisher(
      ImageReference repository, URI location, BlobSource content, boolean withBody) {
    this.repository = repository;
    this.location = location;
    this.content = content;
    this.withBody = withBody;
  }

  @Override
  public String action() {
    return "push blob " + content.digest() + " to " + repository.name();
  }

  @Override
  public List<String> scopes() {
    return List.of(RegistryOperation.push(repository.repository()));
  }

  @Override
  public HttpRequest.Builder request(URI base) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(Http.withQuery(location, "digest", content.digest().toString()));
    if (!withBody) {
      return builder.PUT(HttpRequest.BodyPublishers.noBody());
    }
    return builder
        .header("Content-Type", "application/octet-stream")
        .PUT(
            HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(this::openContent), content.size()));
  }

  private InputStream openContent() {
    try {
      return content.open();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public boolean accepts(int status) {
    return status == 201;
  }

  @Override
  public boolean replayable() {
    return false;
  }

  @Override
  public Void handle(HttpResponse<InputStream> response) throws IOException {
    String answered = Http.header(response.headers(), "Docker-Content-Digest");
    if (answered != null && !answered.equals(content.digest().toString())) {
      throw new RegistryException(
          ErrorKind.DIGEST_MISMATCH,
          action(),
          response.statusCode(),
          "registry stored digest " + answered,
          null);
    }
    return null;
  }
}
