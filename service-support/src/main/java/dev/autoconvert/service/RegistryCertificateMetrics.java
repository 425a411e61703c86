package dev.autoconvert.service;

import dev.autoconvert.oci.registry.RegistryTls;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * When the registry certificates a service read expire ({@link RegistryTls#certificateFiles}): the
 * gauge {@code autoconvert_registry_certificate_expiry_timestamp_seconds{registry, file, kind}}, in
 * Unix time, one series per file ({@code kind} {@code ca} or {@code client}; {@code registry}
 * {@code *} for the CA file every registry trusts), so that an alert warns weeks before a client
 * certificate or a private CA ends. It follows the files as they are now: they are looked at every
 * minute, which also reads changed ones ({@link RegistryTls#watch}).
 */
public final class RegistryCertificateMetrics implements MeterBinder, AutoCloseable {
  static final String NAME = "autoconvert.registry.certificate.expiry.timestamp";
  private static final System.Logger LOG =
      System.getLogger(RegistryCertificateMetrics.class.getName());

  private final Supplier<RegistryTls> tls;
  private final ScheduledExecutorService refresher =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "registry-certificate-metrics");
            t.setDaemon(true);
            return t;
          });
  private volatile MultiGauge gauge;

  public RegistryCertificateMetrics(Supplier<RegistryTls> tls) {
    this.tls = tls;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge =
        MultiGauge.builder(NAME)
            .baseUnit("seconds")
            .description(
                "when the first certificate of a registry CA or client certificate file ends")
            .register(registry);
    refresh();
    refresher.scheduleWithFixedDelay(this::refresh, 1, 1, TimeUnit.MINUTES);
  }

  /** Sets one row per certificate file read now; files no longer read lose theirs. */
  void refresh() {
    try {
      gauge.register(
          tls.get().certificateFiles().stream()
              .map(
                  f ->
                      MultiGauge.Row.of(
                          Tags.of(
                              "registry",
                              f.registry(),
                              "file",
                              f.file().toString(),
                              "kind",
                              f.client() ? "client" : "ca"),
                          f.notAfter().getEpochSecond()))
              .toList(),
          true);
    } catch (RuntimeException e) {
      // a failed refresh would end the schedule: keep the rows, try again next minute
      LOG.log(Level.WARNING, "cannot refresh the registry certificate gauge: {0}", e.toString());
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
