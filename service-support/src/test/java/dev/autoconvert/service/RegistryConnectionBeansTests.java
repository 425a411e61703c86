package dev.autoconvert.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class RegistryConnectionBeansTests {

  @Test
  void theRegistryProxyComesFromTheVariablesDockerReads() throws Exception {
    MockEnvironment environment =
        new MockEnvironment()
            .withProperty("HTTPS_PROXY", "http://squid:3128")
            .withProperty("no_proxy", "registry.internal");

    var proxy = new RegistryConnectionBeans().registryProxy(environment);

    assertThat(proxy.https().address())
        .isEqualTo(InetSocketAddress.createUnresolved("squid", 3128));
    assertThat(proxy.http()).isNull();
    assertThat(proxy.noProxy()).containsExactly("registry.internal");
  }
}
