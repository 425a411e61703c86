package dev.autoconvert.oci.registry;

import dev.autoconvert.imagespec.ManifestException;
import dev.autoconvert.imagespec.MediaTypes;
import dev.autoconvert.imagespec.SpecJson;
import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import dev.autoconvert.oci.manifest.RawManifest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * {@code GET /v2/<name>/manifests/<reference>} accepting all four manifest types. The bytes are
 * kept as they are; their digest must match the reference's digest and the registry's {@code
 * Docker-Content-Digest}.
 */
final class ManifestPuller implements RegistryOperation<RawManifest> {
  static final String ACCEPT = String.join(", ", MediaTypes.MANIFEST_ACCEPT);

  private final ImageReference reference;

  ManifestPuller(ImageReference reference) {
    this.reference = reference;
  }

  @Override
  public String action() {
    return "pull manifest " + reference;
  }

  @Override
  public List<String> scopes() {
    return List.of(RegistryOperation.pull(reference.repository()));
  }

  @Override
  public HttpRequest.Builder request(URI base) {
    return manifestRequest(base, reference).GET();
  }

  /** The manifest URL of {@code reference}, accepting every manifest type (shared with HEAD). */
  static HttpRequest.Builder manifestRequest(URI base, ImageReference reference) {
    return HttpRequest.newBuilder(
            base.resolve(
                "/v2/" + reference.repository() + "/manifests/" + reference.apiReference()))
        .header("Accept", ACCEPT);
  }

  @Override
  public RawManifest handle(HttpResponse<InputStream> response) throws IOException {
    byte[] bytes = Http.readBody(response, Http.MANIFEST_LIMIT, "manifest of " + reference);
    String mediaType = Http.mediaType(Http.header(response.headers(), "Content-Type"));
    if (!MediaTypes.isImageManifest(mediaType) && !MediaTypes.isIndex(mediaType)) {
      // Some registries answer application/json; the document then names its type.
      try {
        mediaType =
            SpecJson.object(bytes, "manifest of " + reference).path("mediaType").asString("");
      } catch (ManifestException e) {
        throw new RegistryException(ErrorKind.REJECTED, action(), 200, e.getMessage(), e);
      }
    }
    if (!MediaTypes.isImageManifest(mediaType) && !MediaTypes.isIndex(mediaType)) {
      throw new RegistryException(
          ErrorKind.REJECTED,
          action(),
          response.statusCode(),
          "unsupported manifest media type '" + mediaType + "'",
          null);
    }
    RawManifest manifest = RawManifest.of(mediaType, bytes);
    if (reference.digest() != null && !reference.digest().equals(manifest.digest())) {
      throw mismatch(response, "content hashes to " + manifest.digest());
    }
    String announced = Http.header(response.headers(), "Docker-Content-Digest");
    if (announced != null && !announced.equals(manifest.digest().toString())) {
      throw mismatch(
          response, "registry announced " + announced + ", content hashes to " + manifest.digest());
    }
    return manifest;
  }

  private RegistryException mismatch(HttpResponse<?> response, String detail) {
    return new RegistryException(
        ErrorKind.DIGEST_MISMATCH, action(), response.statusCode(), detail, null);
  }
}
