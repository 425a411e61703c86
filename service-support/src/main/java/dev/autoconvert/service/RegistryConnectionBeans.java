package dev.autoconvert.service;

import dev.autoconvert.oci.registry.ProxySettings;
import dev.autoconvert.oci.registry.RegistryTls;
import dev.autoconvert.reload.FileBacked;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * How a service's registry clients connect, for the worker and rule-service alike: proxies from the
 * environment, TLS files that are read again when they change, and the meters of those files. A
 * service imports it and provides its {@link TlsFiles}.
 */
@Configuration(proxyBeanMethods = false)
public class RegistryConnectionBeans {
  private static final Logger log = LoggerFactory.getLogger(RegistryConnectionBeans.class);

  /** Where a service's registry TLS files are; either may be null. */
  public interface TlsFiles {
    /** A PEM file of CAs every registry trusts besides the JVM's. */
    Path caCertificates();

    /** A directory in Docker's {@code certs.d} layout. */
    Path certsDirectory();
  }

  /**
   * {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY}, read as Go programs read them;
   * from the environment, or Spring properties of those names.
   */
  @Bean
  ProxySettings registryProxy(Environment environment) throws IOException {
    ProxySettings proxy = ProxySettings.fromEnvironment(environment::getProperty);
    if (!proxy.equals(ProxySettings.NONE)) {
      // said once, since a request that fails through a proxy names only the registry
      log.info("registry requests go through proxies: {}", proxy);
    }
    return proxy;
  }

  /** The CA file and certs.d directory, read again when they change. */
  @Bean
  FileBacked<RegistryTls> registryTls(TlsFiles files) throws IOException {
    return RegistryTls.watch(files.caCertificates(), files.certsDirectory());
  }

  @Bean
  RegistryCertificateMetrics registryCertificateMetrics(FileBacked<RegistryTls> registryTls) {
    return new RegistryCertificateMetrics(registryTls::current);
  }
}
