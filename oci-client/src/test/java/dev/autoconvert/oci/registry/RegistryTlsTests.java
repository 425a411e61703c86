package dev.autoconvert.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.oci.registry.RegistryTls.CertificateFile;
import dev.autoconvert.reload.FileBacked;
import dev.autoconvert.testsupport.registry.Executables;
import dev.autoconvert.testsupport.registry.TestCertificates;
import dev.autoconvert.testsupport.registry.TestCertificates.KeyForm;
import dev.autoconvert.testsupport.registry.TestCertificates.Pair;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reading Docker's certs.d layout; certificates and keys are made with openssl. */
class RegistryTlsTests {
  @TempDir Path dir;
  private TestCertificates ca;
  private Path certsD;

  @BeforeEach
  void createCa() throws IOException {
    ca = TestCertificates.create(dir.resolve("ca"));
    certsD = dir.resolve("certs.d");
  }

  @ParameterizedTest
  @EnumSource(KeyForm.class)
  void clientKeysLoadInEveryFormOpensslWrites(KeyForm form) throws IOException {
    ca.clientCertificate(certsD.resolve("registry.example:5000"), "client", form);

    RegistryTls tls = RegistryTls.load(null, certsD);

    assertThat(tls.registries()).containsExactly("registry.example:5000");
    assertThat(tls.context("registry.example:5000")).isPresent();
    assertThat(tls.context("other.example")).isEmpty();
  }

  @Test
  void aSharedCaFileAppliesToRegistriesWithoutADirectory() throws IOException {
    Files.createDirectories(certsD.resolve("registry.example"));
    Files.copy(ca.ca(), certsD.resolve("registry.example").resolve("ca.crt"));

    RegistryTls tls = RegistryTls.load(ca.ca(), certsD);

    assertThat(tls.context("other.example")).isPresent();
    assertThat(tls.context("registry.example"))
        .isPresent()
        .isNotEqualTo(tls.context("other.example"));
  }

  @Test
  void everyCertificateFileReadIsListedWithItsEarliestExpiry() throws Exception {
    Path own = certsD.resolve("registry.example");
    Files.createDirectories(own);
    Files.copy(ca.ca(), own.resolve("ca.crt"));
    Pair client = ca.clientCertificate(own, "client", KeyForm.PKCS8_RSA);

    RegistryTls tls = RegistryTls.load(ca.ca(), certsD);

    assertThat(tls.certificateFiles())
        .containsExactly(
            new CertificateFile(RegistryTls.EVERY_REGISTRY, ca.ca(), false, notAfter(ca.ca())),
            new CertificateFile(
                "registry.example", own.resolve("ca.crt"), false, notAfter(ca.ca())),
            new CertificateFile(
                "registry.example", client.certificate(), true, notAfter(client.certificate())));
    assertThat(RegistryTls.JVM_DEFAULT.certificateFiles()).isEmpty();
  }

  private static Instant notAfter(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in))
          .getNotAfter()
          .toInstant();
    }
  }

  @Test
  void watchedFilesAreReadAgainWhenARegistryDirectoryOrACertificateChanges() throws IOException {
    Files.createDirectories(certsD);
    FileBacked<RegistryTls> watched = RegistryTls.watch(null, certsD);
    RegistryTls first = watched.current();
    assertThat(first.registries()).isEmpty();
    assertThat(watched.current()).as("nothing changed, nothing read").isSameAs(first);

    Pair pair =
        ca.clientCertificate(certsD.resolve("registry.example"), "client", KeyForm.PKCS8_RSA);
    RegistryTls added = watched.current();
    assertThat(added.registries()).containsExactly("registry.example");

    Files.delete(pair.key());
    assertThat(watched.current())
        .as("a certificate without its key is an update caught halfway: what worked stays")
        .isSameAs(added);

    ca.clientCertificate(certsD.resolve("registry.example"), "client", KeyForm.SEC1_EC);
    RegistryTls replaced = watched.current();
    assertThat(replaced).isNotSameAs(added);
    assertThat(replaced.registries()).containsExactly("registry.example");
  }

  @Test
  void aClientCertificateWithoutItsKeyIsRefusedNamingTheKey() throws IOException {
    Pair pair =
        ca.clientCertificate(certsD.resolve("registry.example"), "client", KeyForm.PKCS8_RSA);
    Files.delete(pair.key());

    assertThatThrownBy(() -> RegistryTls.load(null, certsD))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("missing key " + pair.key())
        .hasMessageContaining("must end in .crt");
  }

  @Test
  void aKeyWithoutItsCertificateIsRefusedNamingIt() throws IOException {
    Pair pair =
        ca.clientCertificate(certsD.resolve("registry.example"), "client", KeyForm.PKCS8_RSA);
    Files.delete(pair.certificate());

    assertThatThrownBy(() -> RegistryTls.load(null, certsD))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("missing client certificate " + pair.certificate());
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefused() throws IOException {
    Path registry = certsD.resolve("registry.example");
    Pair first = ca.clientCertificate(registry, "first", KeyForm.PKCS8_RSA);
    Pair second = ca.clientCertificate(dir.resolve("other"), "second", KeyForm.PKCS8_RSA);
    Files.copy(second.key(), first.key(), StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> RegistryTls.load(null, certsD))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            first.key() + " is not the key of the certificate in " + first.certificate());
  }

  @Test
  void anEncryptedKeyIsRefusedSayingSo() throws IOException {
    Pair pair =
        ca.clientCertificate(certsD.resolve("registry.example"), "client", KeyForm.PKCS1_RSA);
    String encrypted =
        Executables.run(
            List.of(
                "openssl", "pkcs8", "-topk8", "-in", pair.key().toString(), "-passout", "pass:x"));
    Files.writeString(pair.key(), encrypted);

    assertThatThrownBy(() -> RegistryTls.load(null, certsD))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(pair.key() + " holds an encrypted key (not supported)");
  }

  @Test
  void filesWithoutCertificatesAreRefusedNamingThem() throws IOException {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
    Path registry = Files.createDirectories(certsD.resolve("registry.example"));
    Path badCrt = Files.writeString(registry.resolve("ca.crt"), "");

    assertThatThrownBy(() -> RegistryTls.load(notPem, null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(notPem.toString());
    assertThatThrownBy(() -> RegistryTls.load(dir.resolve("missing.pem"), null))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> RegistryTls.load(null, certsD))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(badCrt + " holds no certificate");
    assertThatThrownBy(() -> RegistryTls.load(null, notPem))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(notPem + " is not a directory");
  }

  /** What a Kubernetes secret mounted as certs.d adds beside the files, and unrelated files. */
  @Test
  void hiddenEntriesAndOtherFilesAreIgnored() throws IOException {
    Path registry = Files.createDirectories(certsD.resolve("registry.example"));
    Files.createDirectories(certsD.resolve("..2026_11_27_17_00_00.1"));
    Files.writeString(registry.resolve("hosts.toml"), "server = \"https://registry.example\"\n");
    Files.writeString(registry.resolve("..data"), "");

    RegistryTls tls = RegistryTls.load(null, certsD);

    assertThat(tls.registries()).containsExactly("registry.example");
  }
}
