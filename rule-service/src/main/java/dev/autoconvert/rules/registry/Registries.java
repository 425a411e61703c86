package dev.autoconvert.rules.registry;

import dev.autoconvert.oci.registry.RegistryClient;
import dev.autoconvert.oci.registry.RegistryConfig;
import dev.autoconvert.rules.RulesProperties;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The registries rule-service reads ({@code autoconvert.rules.reconcile.registries}): the
 * reconciler lists their tags, intake reads a manifest to tell its own output by content.
 */
@Component
public class Registries {
  private final RegistryClient client;
  private final List<String> hosts;

  Registries(RulesProperties properties) {
    RulesProperties.Reconcile config = properties.reconcile();
    RegistryClient.Builder builder =
        RegistryClient.builder().requestTimeout(config.requestTimeout());
    for (RulesProperties.Registry registry : config.registries()) {
      RegistryConfig registryConfig =
          new RegistryConfig(registry.host(), registry.plainHttp(), null);
      builder.registry(
          registry.username() == null
              ? registryConfig
              : registryConfig.withCredentials(registry.username(), registry.password()));
    }
    this.client = builder.build();
    this.hosts = config.registries().stream().map(RulesProperties.Registry::host).toList();
  }

  public RegistryClient client() {
    return client;
  }

  /** host[:port] of every configured registry, as push events name them. */
  public List<String> hosts() {
    return hosts;
  }

  public boolean isConfigured(String host) {
    return hosts.contains(host);
  }
}
