package dev.autoconvert.cli;

import dev.autoconvert.cli.store.ImageStore;
import dev.autoconvert.cli.store.OciLayoutStore;
import dev.autoconvert.cli.store.RegistryImageStore;
import dev.autoconvert.oci.ImageReference;
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

  /** Parses {@code text}; registries are reached as {@code access} says. */
  static Location parse(String text, RegistryAccess access) {
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
    return new Location(
        new RegistryImageStore(access.client(ref.registry()), ref.registry(), ref.repository()),
        ref.apiReference(),
        text);
  }
}
