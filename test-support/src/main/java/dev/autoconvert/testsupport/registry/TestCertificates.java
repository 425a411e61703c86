package dev.autoconvert.testsupport.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away certificate authority and a server certificate it signed for {@code 127.0.0.1}
 * (subjectAltName IP, and the name {@code registry.test} that only a test proxy resolves), made
 * with openssl: what a registry with a private CA serves.
 *
 * @param ca the CA's certificate (PEM), what clients are told to trust
 * @param caKey the CA's private key, to sign client certificates with
 * @param certificate the server's certificate (PEM)
 * @param key the server's private key (PEM)
 */
public record TestCertificates(Path ca, Path caKey, Path certificate, Path key) {

  /** How a client key is written: the forms Docker's {@code certs.d} directories hold. */
  public enum KeyForm {
    /** {@code BEGIN PRIVATE KEY}: what openssl 3 writes by default. */
    PKCS8_RSA,
    /** {@code BEGIN RSA PRIVATE KEY}: openssl 1.x's {@code genrsa}. */
    PKCS1_RSA,
    /** {@code BEGIN EC PRIVATE KEY}, P-256. */
    SEC1_EC
  }

  /** A certificate file and its key file. */
  public record Pair(Path certificate, Path key) {}

  /** Creates them in {@code dir}; skips the calling test when openssl is not installed. */
  public static TestCertificates create(Path dir) throws IOException {
    Executables.assumeOnPath("openssl");
    Files.createDirectories(dir);
    Path caKey = dir.resolve("ca.key");
    Path ca = dir.resolve("ca.pem");
    Path key = dir.resolve("server.key");
    Path request = dir.resolve("server.csr");
    Path certificate = dir.resolve("server.pem");
    Path extensions =
        Files.writeString(
            dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:registry.test\n");
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=autoconvert test CA",
        "-keyout",
        caKey.toString(),
        "-out",
        ca.toString());
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        key.toString(),
        "-out",
        request.toString());
    TestCertificates created = new TestCertificates(ca, caKey, certificate, key);
    created.sign(request, certificate, "-extfile", extensions.toString());
    return created;
  }

  /**
   * A client certificate this CA signed, for mutual TLS, written to {@code dir} as {@code
   * <name>.cert} and {@code <name>.key} (Docker's {@code certs.d} names).
   */
  public Pair clientCertificate(Path dir, String name, KeyForm form) throws IOException {
    Files.createDirectories(dir);
    Path key = dir.resolve(name + ".key");
    Path request = dir.resolve(name + ".csr");
    Path certificate = dir.resolve(name + ".cert");
    switch (form) {
      case PKCS8_RSA -> openssl("genpkey", "-algorithm", "RSA", "-out", key.toString());
      case PKCS1_RSA -> openssl("genrsa", "-traditional", "-out", key.toString(), "2048");
      case SEC1_EC ->
          openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
    }
    openssl(
        "req",
        "-new",
        "-key",
        key.toString(),
        "-subj",
        "/CN=autoconvert test client",
        "-out",
        request.toString());
    sign(request, certificate);
    Files.delete(request);
    return new Pair(certificate, key);
  }

  /** Signs a certificate request with this CA, for two days. */
  private void sign(Path request, Path certificate, String... options) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "x509",
                "-req",
                "-days",
                "2",
                "-in",
                request.toString(),
                "-CA",
                ca.toString(),
                "-CAkey",
                caKey.toString(),
                "-CAcreateserial",
                "-out",
                certificate.toString()));
    command.addAll(List.of(options));
    openssl(command.toArray(String[]::new));
  }

  private static void openssl(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Executables.run(command);
  }
}
