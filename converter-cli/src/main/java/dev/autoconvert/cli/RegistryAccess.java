package dev.autoconvert.cli;

import dev.autoconvert.oci.registry.CredentialStore;
import dev.autoconvert.oci.registry.DockerConfig;
import dev.autoconvert.oci.registry.ProxySettings;
import dev.autoconvert.oci.registry.RegistryClient;
import dev.autoconvert.oci.registry.RegistryConfig;
import dev.autoconvert.oci.registry.RegistryTls;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a command reaches registries: over plain HTTP only with {@code --plain-http}; with the
 * credentials of {@code AUTOCONVERT_REGISTRY_USERNAME} / {@code _PASSWORD} where set, else those of
 * a Docker config file: {@code --authfile FILE}, or the Docker CLI's own ({@code
 * $DOCKER_CONFIG/config.json}, {@code ~/.docker/config.json}) when it exists; trusting the CA
 * certificates of {@code --ca-certificates FILE} besides the JVM's, and per registry the CAs and
 * client certificates of {@code --cert-dir DIR} (Docker's {@code certs.d} layout: {@code
 * DIR/host[:port]/*.crt}, {@code *.cert}, {@code *.key}); through the proxies of {@code
 * HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY}, read as Go programs read them.
 */
record RegistryAccess(
    boolean plainHttp,
    String username,
    String password,
    CredentialStore credentials,
    RegistryTls tls,
    ProxySettings proxy) {
  static final String PLAIN_HTTP = "--plain-http";
  static final String AUTHFILE = "--authfile";
  static final String CA_CERTIFICATES = "--ca-certificates";
  static final String CERT_DIR = "--cert-dir";

  static RegistryAccess of(Arguments a) {
    String authfile = a.optional(AUTHFILE, null);
    Optional<Path> file =
        authfile != null ? Optional.of(Path.of(authfile)) : DockerConfig.defaultFile();
    CredentialStore credentials = CredentialStore.NONE;
    if (file.isPresent()) {
      try {
        credentials = DockerConfig.load(file.get());
      } catch (IOException e) {
        throw new UsageException("cannot read registry credentials: " + e.getMessage());
      }
    }
    RegistryTls tls;
    try {
      tls = RegistryTls.load(path(a, CA_CERTIFICATES), path(a, CERT_DIR));
    } catch (IOException e) {
      throw new UsageException(
          "cannot read " + CA_CERTIFICATES + " or " + CERT_DIR + ": " + e.getMessage());
    }
    ProxySettings proxy;
    try {
      proxy = ProxySettings.fromEnvironment(System::getenv);
    } catch (IOException e) {
      throw new UsageException(e.getMessage());
    }
    return new RegistryAccess(
        a.flag(PLAIN_HTTP),
        System.getenv("AUTOCONVERT_REGISTRY_USERNAME"),
        System.getenv("AUTOCONVERT_REGISTRY_PASSWORD"),
        credentials,
        tls,
        proxy);
  }

  RegistryClient client(String host) {
    return RegistryClient.builder()
        .registry(RegistryConfig.of(host, plainHttp, username, password))
        .credentialStore(credentials)
        .tls(tls)
        .proxy(proxy)
        .build();
  }

  private static Path path(Arguments a, String option) {
    String value = a.optional(option, null);
    return value == null ? null : Path.of(value);
  }

  @Override
  public String toString() {
    return "RegistryAccess[plainHttp="
        + plainHttp
        + ", credentials="
        + credentials
        + ", proxy="
        + proxy
        + "]";
  }
}
