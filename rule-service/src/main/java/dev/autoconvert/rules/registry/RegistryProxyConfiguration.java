package dev.autoconvert.rules.registry;

import dev.autoconvert.oci.registry.ProxySettings;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class RegistryProxyConfiguration {

  /**
   * {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY}, read as Go programs read them;
   * from the environment, or Spring properties of those names.
   */
  @Bean
  ProxySettings registryProxy(Environment environment) throws IOException {
    return ProxySettings.fromEnvironment(environment::getProperty);
  }
}
