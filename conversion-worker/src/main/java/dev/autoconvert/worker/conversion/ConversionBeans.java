package dev.autoconvert.worker.conversion;

import dev.autoconvert.cli.pipeline.Scratch;
import dev.autoconvert.oci.registry.ProxySettings;
import dev.autoconvert.oci.registry.RegistryClient;
import dev.autoconvert.oci.registry.RegistryConfig;
import dev.autoconvert.oci.registry.RegistryTls;
import dev.autoconvert.reload.FileBacked;
import dev.autoconvert.service.RegistryConnectionBeans;
import dev.autoconvert.worker.WorkerProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

@Configuration(proxyBeanMethods = false)
@Import(RegistryConnectionBeans.class)
class ConversionBeans {

  @Bean
  RegistryClient registryClient(
      WorkerProperties properties, ProxySettings proxy, FileBacked<RegistryTls> registryTls)
      throws IOException {
    return RegistryClient.builder()
        .registries(
            properties.registries().stream()
                .map(r -> RegistryConfig.of(r.host(), r.plainHttp(), r.username(), r.password()))
                .toList())
        .dockerConfig(properties.dockerConfig())
        .tls(registryTls::current)
        .proxy(proxy)
        .build();
  }

  /**
   * This worker's own scratch directory, emptied at start: files left by a killed predecessor are
   * reclaimed, and workers sharing a scratch root never delete each other's files.
   */
  @Bean
  Scratch scratch(WorkerProperties properties) throws IOException {
    Path own = properties.scratchDir().resolve(properties.id().replaceAll("[^A-Za-z0-9._-]", "_"));
    if (Files.exists(own)) {
      try (Stream<Path> stale = Files.walk(own)) {
        for (Path p : stale.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return new Scratch(own, properties.maxScratch().toBytes());
  }
}
