package dev.autoconvert.rules.registry;

import dev.autoconvert.oci.registry.ProxySettings;
import dev.autoconvert.oci.registry.RegistryTls;
import dev.autoconvert.reload.FileBacked;
import dev.autoconvert.rules.RulesProperties;
import dev.autoconvert.service.RegistryCertificateMetrics;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
/** How rule-service's registry clients connect: proxies and TLS, shared by both clients. */
class RegistryConnectionConfiguration {

  /**
   * {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY}, read as Go programs read them;
   * from the environment, or Spring properties of those names.
   */
  @Bean
  ProxySettings registryProxy(Environment environment) throws IOException {
    return ProxySettings.fromEnvironment(environment::getProperty);
  }

  /** The CA file and certs.d directory, read again when they change. */
  @Bean
  FileBacked<RegistryTls> registryTls(RulesProperties properties) throws IOException {
    RulesProperties.Reconcile config = properties.reconcile();
    return RegistryTls.watch(config.caCertificates(), config.certsDirectory());
  }

  @Bean
  RegistryCertificateMetrics registryCertificateMetrics(FileBacked<RegistryTls> registryTls) {
    return new RegistryCertificateMetrics(registryTls::current);
  }
}
