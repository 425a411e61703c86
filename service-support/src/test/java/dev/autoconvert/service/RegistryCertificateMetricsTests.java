package dev.autoconvert.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.oci.registry.RegistryTls;
import dev.autoconvert.reload.FileBacked;
import dev.autoconvert.testsupport.registry.TestCertificates;
import dev.autoconvert.testsupport.registry.TestCertificates.KeyForm;
import dev.autoconvert.testsupport.registry.TestCertificates.Pair;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryCertificateMetricsTests {
  @TempDir Path dir;

  /** The name and labels the alert AutoconvertRegistryCertificateExpiring reads. */
  @Test
  void eachCertificateFileIsASeriesOfItsExpiryThatFollowsTheFiles() throws Exception {
    TestCertificates ca = TestCertificates.create(dir.resolve("ca"));
    Path certsD = Files.createDirectories(dir.resolve("certs.d"));
    FileBacked<RegistryTls> tls = RegistryTls.watch(ca.ca(), certsD);
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (RegistryCertificateMetrics metrics = new RegistryCertificateMetrics(tls::current)) {
      metrics.bindTo(prometheus);
      long caEnds = tls.current().certificateFiles().get(0).notAfter().getEpochSecond();

      assertThat(prometheus.scrape())
          .contains(
              "autoconvert_registry_certificate_expiry_timestamp_seconds{file=\""
                  + ca.ca()
                  + "\",kind=\"ca\",registry=\"*\"} "
                  + (double) caEnds);

      Pair client =
          ca.clientCertificate(certsD.resolve("registry.example:5000"), "c", KeyForm.SEC1_EC);
      metrics.refresh();

      assertThat(prometheus.scrape())
          .contains(
              "autoconvert_registry_certificate_expiry_timestamp_seconds{file=\""
                  + client.certificate()
                  + "\",kind=\"client\",registry=\"registry.example:5000\"}");

      Files.delete(client.certificate());
      Files.delete(client.key());
      metrics.refresh();

      assertThat(prometheus.scrape()).doesNotContain("kind=\"client\"");
    }
  }
}
