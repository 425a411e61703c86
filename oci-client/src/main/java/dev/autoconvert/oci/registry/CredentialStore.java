package dev.autoconvert.oci.registry;

import dev.autoconvert.oci.RegistryException;
import java.util.Optional;

/**
 * Where the credentials of registries without configured ones come from. Asked each time a registry
 * wants them, so that a store can hand out rotated secrets.
 */
@FunctionalInterface
public interface CredentialStore {
  /** Knows no registry: anonymous access. */
  CredentialStore NONE = host -> Optional.empty();

  /** The credentials for {@code host} ({@code host[:port]} as in image references), if any. */
  Optional<Credentials> lookup(String host) throws RegistryException;

  /**
   * Tells the store that {@code host} refused {@code credentials}, so that a store that keeps
   * answers for a while looks them up afresh next time (they may have been rotated).
   */
  default void refused(String host, Credentials credentials) {}
}
