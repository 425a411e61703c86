package dev.autoconvert.rules.registry;

import dev.autoconvert.imagespec.ManifestException;
import dev.autoconvert.imagespec.SourceKind;
import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import dev.autoconvert.oci.manifest.RawManifest;
import dev.autoconvert.oci.registry.ProxySettings;
import dev.autoconvert.oci.registry.RegistryClient;
import dev.autoconvert.oci.registry.RegistryConfig;
import dev.autoconvert.oci.registry.RegistryTls;
import dev.autoconvert.oci.registry.RetryPolicy;
import dev.autoconvert.reload.FileBacked;
import dev.autoconvert.rules.RulesProperties;
import java.io.IOException;
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
  private final RegistryClient contentClient;
  private final List<String> hosts;

  Registries(RulesProperties properties, ProxySettings proxy, FileBacked<RegistryTls> tls)
      throws IOException {
    RulesProperties.Reconcile config = properties.reconcile();
    RegistryClient.Builder builder =
        RegistryClient.builder()
            .registries(
                config.registries().stream()
                    .map(
                        r -> RegistryConfig.of(r.host(), r.plainHttp(), r.username(), r.password()))
                    .toList())
            .dockerConfig(config.dockerConfig())
            .tls(tls::current)
            .proxy(proxy);
    // build() copies the settings: both clients share the credentials and the trust
    this.client = builder.requestTimeout(config.requestTimeout()).build();
    // intake waits for these reads: one short attempt, and the worker decides where it fails
    this.contentClient =
        builder
            .requestTimeout(config.contentReadTimeout())
            .connectTimeout(config.contentReadTimeout())
            .retryPolicy(RetryPolicy.NONE)
            .build();
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
   * these or does not serve it within one attempt of {@code content-read-timeout} (logged): callers
   * then leave the decision to the worker, which reads it anyway.
   */
  public Optional<RawManifest> manifest(String host, String repository, String digest) {
    if (!isConfigured(host)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          contentClient.pullManifest(
              ImageReference.of(host, repository, "latest").withDigest(Digest.parse(digest))));
    } catch (RegistryException | IllegalArgumentException e) {
      log.warn("could not read {}/{}@{}: {}", host, repository, digest, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Whether {@code manifest}, read from {@code repository}, already is a Nydus image, made by the
   * workers or by other tooling: its last layer is a Nydus bootstrap, or it is an index that marks
   * a Nydus manifest or whose image manifests all are Nydus images (nydusify without
   * merge-platform). An index costs one more read when its first image is not Nydus, the common
   * case, and one per image otherwise.
   */
  public boolean isNydusImage(String host, String repository, RawManifest manifest) {
    try {
      SourceKind kind = SourceKind.of(manifest.mediaType(), manifest.bytes());
      if (kind.kind() != SourceKind.Kind.INDEX) {
        return kind.kind() == SourceKind.Kind.NYDUS;
      }
      List<String> images = SourceKind.imageManifests(manifest.bytes());
      for (String image : images) {
        Optional<RawManifest> child = manifest(host, repository, image);
        if (child.isEmpty()
            || SourceKind.of(child.get().mediaType(), child.get().bytes()).kind()
                != SourceKind.Kind.NYDUS) {
          return false;
        }
      }
      return !images.isEmpty();
    } catch (ManifestException e) {
      return false; // not a manifest this reads: the worker fails it with the reason
    }
  }
}
