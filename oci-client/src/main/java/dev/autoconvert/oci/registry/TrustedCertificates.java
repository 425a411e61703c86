package dev.autoconvert.oci.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust for registries whose certificates a private CA signed: the JVM's default CAs plus the
 * certificates of a PEM file, as Docker adds {@code certs.d/<host>/ca.crt}. Hostnames are still
 * verified.
 */
public final class TrustedCertificates {
  private TrustedCertificates() {}

  /**
   * An SSL context trusting the default CAs and every certificate in {@code pemFile}.
   *
   * @throws IOException naming the file when it cannot be read or holds no certificate
   */
  public static SSLContext sslContext(Path pemFile) throws IOException {
    Collection<? extends Certificate> added;
    try (InputStream in = Files.newInputStream(pemFile)) {
      added = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (CertificateException e) {
      throw new IOException(pemFile + " does not hold PEM certificates: " + e.getMessage(), e);
    }
    if (added.isEmpty()) {
      throw new IOException(pemFile + " holds no certificate");
    }
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int n = 0;
      for (X509Certificate ca : defaultTrust().getAcceptedIssuers()) {
        trusted.setCertificateEntry("default-" + n++, ca);
      }
      for (Certificate ca : added) {
        trusted.setCertificateEntry("added-" + n++, ca);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IOException("cannot trust the certificates of " + pemFile + ": " + e, e);
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
}
