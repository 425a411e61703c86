package dev.autoconvert.oci.registry;

import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ImageReference;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.OptionalLong;

/** {@code HEAD /v2/<name>/blobs/<digest>}: the blob's size if the repository has it. */
final class BlobChecker implements RegistryOperation<OptionalLong> {
  private final ImageReference repository;
  private final Digest digest;

  BlobChecker(ImageReference repository, Digest digest) {
    this.repository = repository;
    this.digest = digest;
  }

  @Override
  public String action() {
    return "check blob " + digest + " in " + repository.name();
  }

  @Override
  public List<String> scopes() {
    return List.of(RegistryOperation.pull(repository.repository()));
  }

  @Override
  public HttpRequest.Builder request(URI base) {
    return HttpRequest.newBuilder(
            base.resolve("/v2/" + repository.repository() + "/blobs/" + digest))
        .method("HEAD", HttpRequest.BodyPublishers.noBody());
  }

  @Override
  public boolean accepts(int status) {
    return status == 200 || status == 404;
  }

  @Override
  public OptionalLong handle(HttpResponse<InputStream> response) {
    if (response.statusCode() == 404) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(response.headers().firstValueAsLong("Content-Length").orElse(-1));
  }
}
