package dev.autoconvert.rules.registry;

import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.image.SourceKind;
import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import dev.autoconvert.oci.manifest.RawManifest;
import dev.autoconvert.oci.registry.RegistryClient;
import dev.autoconvert.oci.registry.RegistryConfig;
import dev.autoconvert.rules.RulesProperties;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The registries rule-service reads ({@code autoconvert.rules.reconcile.registries}): the
 * reconciler lists their tags, intake and the reconciler read manifests to tell by content what is
 * not to be converted (invariant 5).
 */
@Component
public class Registries {
  private static final Logger log = LoggerFactory.getLogger(Registries.class);

  private final RegistryClient client;
  private final List<String> hosts;

  Registries(RulesProperties properties) {
    RulesProperties.Reconcile config = properties.reconcile();
    RegistryClient.Builder builder =
        RegistryClient.builder().requestTimeout(config.requestTimeout());
    for (RulesProperties.Registry registry : config.registries()) {
      RegistryConfig registryConfig =
          new RegistryConfig(registry.host(), registry.plainHttp(), null);
      builder.registry(
          registry.username() == null
              ? registryConfig
              : registryConfig.withCredentials(registry.username(), registry.password()));
    }
    this.client = builder.build();
    this.hosts = config.registries().stream().map(RulesProperties.Registry::host).toList();
  }

  public RegistryClient client() {
    return client;
  }

  /** host[:port] of every configured registry, as push events name them. */
  public List<String> hosts() {
    return hosts;
  }

  public boolean isConfigured(String host) {
    return hosts.contains(host);
  }

  /**
   * The manifest {@code digest} of {@code repository}, or empty where the registry is not one of
   * these or cannot serve it (logged): callers then leave the decision to the worker, which reads
   * it anyway.
   */
  public Optional<RawManifest> manifest(String host, String repository, String digest) {
    if (!isConfigured(host)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          client.pullManifest(
              ImageReference.of(host, repository, "latest").withDigest(Digest.parse(digest))));
    } catch (RegistryException | IllegalArgumentException e) {
      log.warn("could not read {}/{}@{}: {}", host, repository, digest, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Whether {@code manifest} already is a Nydus image (its last layer a Nydus bootstrap, or an
   * index listing a Nydus manifest), made by the workers or by other tooling.
   */
  public static boolean isNydusImage(RawManifest manifest) {
    try {
      return SourceKind.of(manifest.mediaType(), manifest.bytes()).kind() == SourceKind.Kind.NYDUS;
    } catch (FormatException e) {
      return false; // not JSON: the worker fails it with the reason
    }
  }
}
