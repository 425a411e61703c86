package dev.autoconvert.testsupport.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away certificate authority and a server certificate it signed for {@code 127.0.0.1}
 * (subjectAltName IP), made with openssl: what a registry with a private CA serves.
 *
 * @param ca the CA's certificate (PEM), what clients are told to trust
 * @param certificate the server's certificate (PEM)
 * @param key the server's private key (PEM)
 */
public record TestCertificates(Path ca, Path certificate, Path key) {

  /** Creates them in {@code dir}; skips the calling test when openssl is not installed. */
  public static TestCertificates create(Path dir) throws IOException {
    Executables.assumeOnPath("openssl");
    Files.createDirectories(dir);
    Path caKey = dir.resolve("ca.key");
    Path ca = dir.resolve("ca.pem");
    Path key = dir.resolve("server.key");
    Path request = dir.resolve("server.csr");
    Path certificate = dir.resolve("server.pem");
    Path extensions = Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\n");
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
    openssl(
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
        "-extfile",
        extensions.toString(),
        "-out",
        certificate.toString());
    return new TestCertificates(ca, certificate, key);
  }

  private static void openssl(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Executables.run(command);
  }
}
