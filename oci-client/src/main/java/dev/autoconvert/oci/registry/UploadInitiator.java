package dev.autoconvert.oci.registry;

import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * {@code POST /v2/<name>/blobs/uploads/}, optionally with {@code ?mount=<digest>&from=<repo>}. A
 * 201 means the registry mounted the blob; a 202 opens an upload session (also when a mount was
 * asked for and the registry could not or would not mount).
 */
final class UploadInitiator implements RegistryOperation<UploadInitiator.Started> {
  /** Either mounted, or an upload session at {@code location}. */
  record Started(boolean mounted, URI location) {}

  private final ImageReference repository;
  private final Digest mountDigest;
  private final String mountFrom;

  /** Opens a plain upload session. */
  UploadInitiator(ImageReference repository) {
    this(repository, null, null);
  }

  /** Asks to mount {@code digest} from repository {@code from} of the same registry. */
  UploadInitiator(ImageReference repository, Digest digest, String from) {
    this.repository = repository;
    this.mountDigest = digest;
    this.mountFrom = from;
  }

  @Override
  public String action() {
    return mountFrom == null
        ? "start blob upload to " + repository.name()
        : "mount blob " + mountDigest + " from " + mountFrom + " into " + repository.name();
  }

  @Override
  public List<String> scopes() {
    return mountFrom == null
        ? List.of(RegistryOperation.push(repository.repository()))
        : List.of(
            RegistryOperation.push(repository.repository()), RegistryOperation.pull(mountFrom));
  }

  @Override
  public HttpRequest.Builder request(URI base) {
    String path = "/v2/" + repository.repository() + "/blobs/uploads/";
    if (mountFrom != null) {
      path += "?mount=" + Http.encode(mountDigest.toString()) + "&from=" + Http.encode(mountFrom);
    }
    return HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody());
  }

  @Override
  public boolean accepts(int status) {
    return status == 201 || status == 202;
  }

  @Override
  public Started handle(HttpResponse<InputStream> response) throws IOException {
    if (response.statusCode() == 201) {
      return new Started(true, null);
    }
    String location = Http.requireHeader(response, "Location", action());
    return new Started(false, response.uri().resolve(location));
  }
}
