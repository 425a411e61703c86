package dev.autoconvert.cli;

import dev.autoconvert.cli.store.ImageStore;
import dev.autoconvert.cli.store.OciLayoutStore;
import dev.autoconvert.cli.store.RegistryImageStore;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.registry.RegistryClient;
import dev.autoconvert.oci.registry.RegistryConfig;
import java.nio.file.Path;

/**
 * A {@code --source} / {@code --target} argument: {@code oci:DIR:TAG} (an OCI image layout, as
 * skopeo writes it) or a registry reference {@code host[:port]/repository[:tag|@digest]}.
 *
 * @param store where the image is
 * @param reference tag or digest inside the store
 * @param text the argument as given
 */
record Location(ImageStore store, String reference, String text) {
  private static final String OCI_PREFIX = "oci:";

  /**
   * Parses {@code text}; registry references use plain HTTP only when {@code plainHttp} says so,
   * and credentials from {@code AUTOCONVERT_REGISTRY_USERNAME} / {@code _PASSWORD} when set.
   */
  static Location parse(String text, boolean plainHttp) {
    if (text.startsWith(OCI_PREFIX)) {
      String rest = text.substring(OCI_PREFIX.length());
      int colon = rest.lastIndexOf(':');
      if (colon <= 0 || colon == rest.length() - 1) {
        throw new UsageException("'" + text + "' is not oci:DIR:TAG");
      }
      return new Location(
          new OciLayoutStore(Path.of(rest.substring(0, colon))), rest.substring(colon + 1), text);
    }
    ImageReference ref;
    try {
      ref = ImageReference.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    RegistryConfig config = new RegistryConfig(ref.registry(), plainHttp, null);
    String user = System.getenv("AUTOCONVERT_REGISTRY_USERNAME");
    if (user != null && !user.isBlank()) {
      String password = System.getenv("AUTOCONVERT_REGISTRY_PASSWORD");
      config = config.withCredentials(user, password == null ? "" : password);
    }
    RegistryClient client = RegistryClient.builder().registry(config).build();
    return new Location(
        new RegistryImageStore(client, ref.registry(), ref.repository()), ref.apiReference(), text);
  }
}
