package dev.autoconvert.oci.registry;

import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import dev.autoconvert.oci.manifest.RawManifest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * {@code PUT /v2/<name>/manifests/<tag or digest>} with the exact bytes whose digest we know; the
 * registry's {@code Docker-Content-Digest} must name the same digest.
 */
final class ManifestPusher implements RegistryOperation<Void> {
  private final ImageReference reference;
  private final RawManifest manifest;

  ManifestPusher(ImageReference reference, RawManifest manifest) {
    if (reference.digest() != null && !reference.digest().equals(manifest.digest())) {
      throw new IllegalArgumentException(
          "cannot push manifest " + manifest.digest() + " under digest " + reference.digest());
    }
    this.reference = reference;
    this.manifest = manifest;
  }

  @Override
  public String action() {
    return "push manifest " + manifest.digest() + " to " + reference;
  }

  @Override
  public List<String> scopes() {
    return List.of(RegistryOperation.push(reference.repository()));
  }

  @Override
  public HttpRequest.Builder request(URI base) {
    return HttpRequest.newBuilder(
            base.resolve(
                "/v2/" + reference.repository() + "/manifests/" + reference.apiReference()))
        .header("Content-Type", manifest.mediaType())
        .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest.bytes()));
  }

  @Override
  public boolean accepts(int status) {
    return status == 201;
  }

  @Override
  public Void handle(HttpResponse<InputStream> response) throws RegistryException {
    String answered = Http.header(response.headers(), "Docker-Content-Digest");
    if (answered != null && !answered.equals(manifest.digest().toString())) {
      throw new RegistryException(
          ErrorKind.DIGEST_MISMATCH,
          action(),
          response.statusCode(),
          "registry stored it as " + answered,
          null);
    }
    return null;
  }
}
