package dev.autoconvert.oci.registry;

import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.manifest.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;

/** {@code HEAD /v2/<name>/manifests/<reference>}: the descriptor, or empty when absent. */
final class ManifestChecker implements RegistryOperation<Optional<Descriptor>> {
  private final ImageReference reference;

  ManifestChecker(ImageReference reference) {
    this.reference = reference;
  }

  @Override
  public String action() {
    return "check manifest " + reference;
  }

  @Override
  public List<String> scopes() {
    return List.of(RegistryOperation.pull(reference.repository()));
  }

  @Override
  public HttpRequest.Builder request(URI base) {
    return ManifestPuller.manifestRequest(base, reference)
        .method("HEAD", HttpRequest.BodyPublishers.noBody());
  }

  @Override
  public boolean accepts(int status) {
    return status == 200 || status == 404;
  }

  @Override
  public Optional<Descriptor> handle(HttpResponse<InputStream> response) throws IOException {
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    String digest = Http.requireHeader(response, "Docker-Content-Digest", action());
    String mediaType = Http.mediaType(Http.requireHeader(response, "Content-Type", action()));
    long size = response.headers().firstValueAsLong("Content-Length").orElse(0);
    try {
      return Optional.of(Descriptor.of(mediaType, Digest.parse(digest), size));
    } catch (IllegalArgumentException e) {
      throw new IOException(action() + ": " + e.getMessage(), e);
    }
  }
}
