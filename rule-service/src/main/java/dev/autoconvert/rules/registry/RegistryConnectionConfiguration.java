package dev.autoconvert.rules.registry;

import dev.autoconvert.rules.RulesProperties;
import dev.autoconvert.service.RegistryConnectionBeans;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** How rule-service's registry clients connect: the reconciler's TLS files, shared by both. */
@Configuration(proxyBeanMethods = false)
@Import(RegistryConnectionBeans.class)
class RegistryConnectionConfiguration {

  @Bean
  RegistryConnectionBeans.TlsFiles registryTlsFiles(RulesProperties properties) {
    return properties.reconcile();
  }
}
