package dev.autoconvert.oci.registry;

import dev.autoconvert.reload.FileBacked;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Registries' TLS, set up as the Docker engine and containerd set it up: every registry trusts the
 * JVM's CAs plus those of an optional PEM file, and a registry with a directory of its own in a
 * {@code certs.d} directory (named {@code host[:port]}, as references write it) also trusts that
 * directory's {@code *.crt} files and presents its client certificates ({@code X.cert} with its key
 * {@code X.key}) to registries that ask for one (mutual TLS). Hostnames are always verified.
 *
 * <p>Everything is read and checked by {@link #load}: a malformed file stops a service at start,
 * naming the file, instead of failing its first conversion. {@link #watch} reads the files again
 * whenever one of them changes, so that certificates rotate without a restart.
 */
public final class RegistryTls {
  /** The JVM's trust store alone, no client certificate. */
  public static final RegistryTls JVM_DEFAULT = new RegistryTls(null, new TreeMap<>(), List.of());

  /** How {@link CertificateFile#registry} names the CA file every registry trusts. */
  public static final String EVERY_REGISTRY = "*";

  private static final String CA_SUFFIX = ".crt";
  private static final String CERT_SUFFIX = ".cert";
  private static final String KEY_SUFFIX = ".key";

  private final SSLContext shared;
  private final SortedMap<String, SSLContext> perRegistry;
  private final List<CertificateFile> files;

  /**
   * A file of certificates that were read, and when the first of them expires: what an operator
   * must renew, and by when.
   *
   * @param registry the registry whose certs.d directory holds it, or {@link #EVERY_REGISTRY}
   * @param client whether it is a client certificate ({@code X.cert}), else CAs
   * @param notAfter the earliest end of validity of the certificates in the file
   */
  public record CertificateFile(String registry, Path file, boolean client, Instant notAfter) {
    static CertificateFile of(
        String registry, Path file, boolean client, List<X509Certificate> certificates) {
      Instant earliest =
          certificates.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).get();
      return new CertificateFile(registry, file, client, earliest);
    }
  }

  private RegistryTls(
      SSLContext shared, SortedMap<String, SSLContext> perRegistry, List<CertificateFile> files) {
    this.shared = shared;
    this.perRegistry = Collections.unmodifiableSortedMap(perRegistry);
    this.files = List.copyOf(files);
  }

  /**
   * Reads the CA file and the certs.d directory; either may be null.
   *
   * @throws IOException naming the file or directory that cannot be read or is malformed: a
   *     certificate file without certificates, a client certificate without its key or a key
   *     without its certificate, a key that does not match its certificate, an encrypted key
   */
  public static RegistryTls load(Path caFileOrNull, Path certsDirectoryOrNull) throws IOException {
    List<X509Certificate> common = caFileOrNull == null ? List.of() : certificates(caFileOrNull);
    List<CertificateFile> files = new ArrayList<>();
    if (caFileOrNull != null) {
      files.add(CertificateFile.of(EVERY_REGISTRY, caFileOrNull, false, common));
    }
    SortedMap<String, SSLContext> perRegistry = new TreeMap<>();
    if (certsDirectoryOrNull != null) {
      if (!Files.isDirectory(certsDirectoryOrNull)) {
        throw new IOException(certsDirectoryOrNull + " is not a directory");
      }
      for (Path registry : visibleEntries(certsDirectoryOrNull)) {
        if (Files.isDirectory(registry)) {
          String name = registry.getFileName().toString();
          perRegistry.put(name, registryContext(name, registry, common, files));
        }
      }
    }
    SSLContext shared = common.isEmpty() ? null : context(common, List.of(), caFileOrNull);
    return new RegistryTls(shared, perRegistry, files);
  }

  /**
   * As {@link #load}, then read again whenever the CA file or anything in the certs.d directory
   * changes (a file added, removed, rewritten or replaced); a read that fails then keeps what was
   * read before, with a warning.
   *
   * @throws IOException as {@link #load} does, for the first read
   */
  public static FileBacked<RegistryTls> watch(Path caFileOrNull, Path certsDirectoryOrNull)
      throws IOException {
    List<Path> roots =
        Stream.of(caFileOrNull, certsDirectoryOrNull).filter(p -> p != null).toList();
    return FileBacked.read(
        "registry TLS files " + roots,
        () -> state(caFileOrNull, certsDirectoryOrNull),
        () -> load(caFileOrNull, certsDirectoryOrNull));
  }

  /** The state of every file {@link #load} reads, and of the lists of their names. */
  private static List<Object> state(Path caFileOrNull, Path certsDirectoryOrNull)
      throws IOException {
    List<Object> state = new ArrayList<>();
    if (caFileOrNull != null) {
      state.add(FileBacked.stateOf(caFileOrNull));
    }
    if (certsDirectoryOrNull != null) {
      for (Path registry : visibleEntries(certsDirectoryOrNull)) {
        state.add(registry.getFileName().toString());
        if (Files.isDirectory(registry)) {
          for (Path file : visibleEntries(registry)) {
            state.add(FileBacked.stateOf(file));
          }
        }
      }
    }
    return state;
  }

  /** The context for registry {@code host} ({@code host[:port]}); empty: the JVM's default. */
  Optional<SSLContext> context(String host) {
    return Optional.ofNullable(perRegistry.getOrDefault(host, shared));
  }

  /** The certificate files read, in the order read: the CA file first, then certs.d's. */
  public List<CertificateFile> certificateFiles() {
    return files;
  }

  /** Registries with a directory of their own. */
  public List<String> registries() {
    return List.copyOf(perRegistry.keySet());
  }

  @Override
  public String toString() {
    return "RegistryTls[privateCa=" + (shared != null) + ", registries=" + registries() + "]";
  }

  /** The registry's context; adds the files it read to {@code files}. */
  private static SSLContext registryContext(
      String registry, Path dir, List<X509Certificate> common, List<CertificateFile> files)
      throws IOException {
    List<X509Certificate> cas = new ArrayList<>(common);
    List<ClientIdentity> identities = new ArrayList<>();
    for (Path file : visibleEntries(dir)) {
      String name = file.getFileName().toString();
      if (name.endsWith(CA_SUFFIX)) {
        List<X509Certificate> read = certificates(file);
        cas.addAll(read);
        files.add(CertificateFile.of(registry, file, false, read));
      } else if (name.endsWith(CERT_SUFFIX)) {
        Path key = sibling(file, CERT_SUFFIX, KEY_SUFFIX);
        if (!Files.exists(key)) {
          throw new IOException(
              "missing key "
                  + key
                  + " for client certificate "
                  + file
                  + " (CA certificates must end in .crt)");
        }
        ClientIdentity identity = ClientIdentity.read(file, key);
        identities.add(identity);
        files.add(CertificateFile.of(registry, file, true, identity.chain()));
      } else if (name.endsWith(KEY_SUFFIX)
          && !Files.exists(sibling(file, KEY_SUFFIX, CERT_SUFFIX))) {
        throw new IOException(
            "missing client certificate "
                + sibling(file, KEY_SUFFIX, CERT_SUFFIX)
                + " for key "
                + file);
      }
    }
    return context(cas, identities, dir);
  }

  /**
   * Entries of a directory, without hidden ones: a Kubernetes secret or config map mounted there
   * adds {@code ..data} and timestamped directories beside the files.
   */
  private static List<Path> visibleEntries(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
  }

  private static Path sibling(Path file, String suffix, String replacement) {
    String name = file.getFileName().toString();
    return file.resolveSibling(name.substring(0, name.length() - suffix.length()) + replacement);
  }

  private static List<X509Certificate> certificates(Path pemFile) throws IOException {
    List<X509Certificate> found = new ArrayList<>();
    try (InputStream in = Files.newInputStream(pemFile)) {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      factory.generateCertificates(in).forEach(c -> found.add((X509Certificate) c));
    } catch (CertificateException e) {
      throw new IOException(pemFile + " does not hold PEM certificates: " + e.getMessage(), e);
    }
    if (found.isEmpty()) {
      throw new IOException(pemFile + " holds no certificate");
    }
    return found;
  }

  private static SSLContext context(
      List<X509Certificate> cas, List<ClientIdentity> identities, Path source) throws IOException {
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int n = 0;
      for (X509Certificate ca : defaultTrust().getAcceptedIssuers()) {
        trusted.setCertificateEntry("default-" + n++, ca);
      }
      for (X509Certificate ca : cas) {
        trusted.setCertificateEntry("added-" + n++, ca);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      KeyManager[] keyManagers = null;
      if (!identities.isEmpty()) {
        char[] password = new char[0]; // the store lives in memory only
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        for (ClientIdentity identity : identities) {
          keys.setKeyEntry(
              identity.name(),
              identity.key(),
              password,
              identity.chain().toArray(X509Certificate[]::new));
        }
        KeyManagerFactory factory =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, password);
        keyManagers = factory.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS from " + source + ": " + e, e);
    }
  }

  private static X509TrustManager defaultTrust() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("the JVM has no default X.509 trust manager");
  }

  /** A client certificate (with the chain its file holds) and its private key. */
  private record ClientIdentity(String name, List<X509Certificate> chain, PrivateKey key) {

    static ClientIdentity read(Path certFile, Path keyFile) throws IOException {
      List<X509Certificate> chain = certificates(certFile);
      PrivateKey key = privateKey(keyFile);
      if (!matches(key, chain.get(0).getPublicKey())) {
        throw new IOException(keyFile + " is not the key of the certificate in " + certFile);
      }
      return new ClientIdentity(certFile.getFileName().toString(), chain, key);
    }

    /** PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC ...}). */
    private static PrivateKey privateKey(Path keyFile) throws IOException {
      Object parsed;
      try (Reader in = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII);
          PEMParser pem = new PEMParser(in)) {
        parsed = pem.readObject();
      } catch (IOException | RuntimeException e) {
        throw new IOException(keyFile + " is not a PEM private key: " + e.getMessage(), e);
      }
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      try {
        if (parsed instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (parsed instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
      } catch (IOException e) {
        throw new IOException(keyFile + ": unsupported private key: " + e.getMessage(), e);
      }
      throw new IOException(
          keyFile
              + (parsed == null
                  ? " holds no PEM private key"
                  : " holds " + describe(parsed) + ", not an unencrypted private key"));
    }

    private static String describe(Object parsed) {
      String type = parsed.getClass().getSimpleName();
      return type.contains("Encrypted") ? "an encrypted key (not supported)" : "a " + type;
    }

    /** Whether {@code key} signs what {@code publicKey} verifies: a pair that belongs together. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) throws IOException {
      String algorithm =
          switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IOException("unsupported client key type " + key.getAlgorithm());
          };
      try {
        byte[] probe = "nydus-autoconvert key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(probe);
        return verifier.verify(signature);
      } catch (GeneralSecurityException e) {
        return false;
      }
    }
  }
}
