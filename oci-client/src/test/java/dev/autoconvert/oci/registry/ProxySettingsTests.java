package dev.autoconvert.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxySettingsTests {
  private static final InetSocketAddress SQUID = InetSocketAddress.createUnresolved("squid", 3128);

  @Test
  void httpsAndPlainHttpRegistriesUseTheirOwnProxy() throws IOException {
    ProxySettings settings =
        read(Map.of("HTTPS_PROXY", "http://squid:3128", "HTTP_PROXY", "plain-proxy:8080"));

    assertThat(settings.proxyFor("https", "registry.example", 443))
        .isEqualTo(new Proxy(Proxy.Type.HTTP, SQUID));
    assertThat(settings.proxyFor("http", "registry.example", 5000))
        .isEqualTo(
            new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("plain-proxy", 8080)));
  }

  @Test
  void withoutAnHttpsProxyHttpsGoesDirectlyEvenWithAnHttpProxy() throws IOException {
    ProxySettings settings = read(Map.of("http_proxy", "squid:3128"));

    assertThat(settings.proxyFor("https", "registry.example", 443)).isEqualTo(Proxy.NO_PROXY);
    assertThat(settings.proxyFor("http", "registry.example", 80))
        .isEqualTo(new Proxy(Proxy.Type.HTTP, SQUID));
  }

  @Test
  void upperCaseWinsOverLowerCaseAndPortDefaultsTo80() throws IOException {
    ProxySettings settings =
        read(Map.of("HTTPS_PROXY", "http://upper", "https_proxy", "http://lower:1"));

    assertThat(settings.https().address())
        .isEqualTo(InetSocketAddress.createUnresolved("upper", 80));
    assertThat(read(Map.of())).isEqualTo(ProxySettings.NONE);
  }

  @Test
  void localhostAndLoopbackAreNeverProxied() throws IOException {
    ProxySettings settings = read(Map.of("HTTPS_PROXY", "squid:3128"));

    assertThat(settings.proxyFor("https", "localhost", 5000)).isEqualTo(Proxy.NO_PROXY);
    assertThat(settings.proxyFor("https", "127.0.0.1", 5000)).isEqualTo(Proxy.NO_PROXY);
    assertThat(settings.proxyFor("https", "127.3.4.5", 5000)).isEqualTo(Proxy.NO_PROXY);
    assertThat(settings.proxyFor("https", "[::1]", 5000)).isEqualTo(Proxy.NO_PROXY);
    assertThat(settings.proxyFor("https", "10.0.0.1", 5000)).isNotEqualTo(Proxy.NO_PROXY);
  }

  @ParameterizedTest(name = "NO_PROXY={0}: {1} port {2} direct={3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "*                       | registry.example     | 443  | true",
        "registry.example        | registry.example     | 443  | true",
        "registry.example        | eu.registry.example  | 443  | true",
        "registry.example        | otherregistry.example| 443  | false",
        ".registry.example       | registry.example     | 443  | false",
        ".registry.example       | eu.registry.example  | 443  | true",
        "*.registry.example      | eu.registry.example  | 443  | true",
        "*.registry.example      | registry.example     | 443  | false",
        "REGISTRY.example        | registry.EXAMPLE     | 443  | true",
        "registry.example:5000   | registry.example     | 5000 | true",
        "registry.example:5000   | registry.example     | 443  | false",
        "10.1.2.3                | 10.1.2.3             | 443  | true",
        "10.1.2.3                | 10.1.2.4             | 443  | false",
        "10.0.0.0/8              | 10.200.3.4           | 443  | true",
        "10.0.0.0/8              | 11.0.0.1             | 443  | false",
        "10.0.0.0/8              | ten.example          | 443  | false",
        "999.1.2.3               | 999.1.2.3            | 443  | true",
        "fd00::/8                | [fd12::1]            | 443  | true",
        "[fd12::1]:5000          | [fd12::1]            | 5000 | true",
        "'other.example, registry.example' | registry.example | 443 | true",
      })
  void noProxyEntriesMatchAsGoReadsThem(String noProxy, String host, int port, boolean direct)
      throws IOException {
    ProxySettings settings = read(Map.of("HTTPS_PROXY", "squid:3128", "NO_PROXY", noProxy));

    assertThat(settings.proxyFor("https", host, port) == Proxy.NO_PROXY).isEqualTo(direct);
  }

  @Test
  void theSelectorAsksWithTheSchemesDefaultPort() throws IOException {
    ProxySettings settings =
        read(Map.of("HTTPS_PROXY", "squid:3128", "NO_PROXY", "registry.example:443"));

    assertThat(settings.selector().select(URI.create("https://registry.example/v2/")))
        .containsExactly(Proxy.NO_PROXY);
    assertThat(settings.selector().select(URI.create("https://registry.example:5000/v2/")))
        .containsExactly(new Proxy(Proxy.Type.HTTP, SQUID));
  }

  @Test
  void proxiesThisClientCannotUseAreRefusedNamingTheVariable() {
    assertThatThrownBy(() -> read(Map.of("HTTPS_PROXY", "https://squid:3129")))
        .hasMessageContaining("HTTPS_PROXY: only http:// proxies are supported");
    assertThatThrownBy(() -> read(Map.of("HTTP_PROXY", "socks5://squid:1080")))
        .hasMessageContaining("HTTP_PROXY: only http://");
    assertThatThrownBy(() -> read(Map.of("HTTP_PROXY", "http://:secret@squid")))
        .hasMessageContaining("HTTP_PROXY has a password but no user name")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> read(Map.of("HTTP_PROXY", "http://%3Ctoken%3E@squid")))
        .isInstanceOf(IOException.class)
        .hasMessage("HTTP_PROXY: an identity token must not be empty");
  }

  @Test
  void credentialsInTheUrlGoOnlyToTheProxyTheyBelongTo() throws IOException {
    ProxySettings settings =
        ProxySettings.fromEnvironment(
            Map.of(
                    "HTTPS_PROXY", "http://build%40corp:p%3Ass@squid:3128",
                    "HTTP_PROXY", "http://plain-proxy:8080",
                    "NO_PROXY", "registry.internal")
                ::get,
            "");

    // Basic base64("build@corp:p:ss"), decoded as Go decodes the URL's user information
    assertThat(settings.authorizationFor(URI.create("https://registry.example/v2/")))
        .contains("Basic YnVpbGRAY29ycDpwOnNz");
    assertThat(settings.authorizationFor(URI.create("http://registry.example/v2/"))).isEmpty();
    assertThat(settings.authorizationFor(URI.create("https://registry.internal/v2/"))).isEmpty();
    assertThat(settings.authorizationFor(URI.create("https://127.0.0.1:5000/v2/"))).isEmpty();
  }

  @Test
  void aUserWithoutPasswordSendsAnEmptyPasswordAsGoDoes() throws IOException {
    ProxySettings settings = read(Map.of("HTTP_PROXY", "http://builder@squid:3128"));

    assertThat(settings.authorizationFor(URI.create("http://registry.example/v2/")))
        .contains("Basic YnVpbGRlcjo="); // builder:
  }

  @Test
  void passwordsAppearInNoDescription() throws IOException {
    ProxySettings settings =
        ProxySettings.fromEnvironment(
            Map.of("HTTPS_PROXY", "http://builder:s3cret@squid:3128")::get, "");

    assertThat(settings.toString()).contains("squid:3128 (as builder)").doesNotContain("s3cret");
    assertThat(settings.refusal(URI.create("https://registry.example/v2/")))
        .isEqualTo(
            "the proxy squid:3128 (as builder) refused the credentials given in HTTPS_PROXY");
  }

  @Test
  void aProxyAskingForCredentialsNamesTheVariableThatGivesThem() throws IOException {
    ProxySettings settings = read(Map.of("HTTP_PROXY", "squid:3128"));

    assertThat(settings.refusal(URI.create("http://registry.example/v2/")))
        .isEqualTo(
            "the proxy squid:3128 wants credentials: give them in HTTP_PROXY as"
                + " http://user:password@host:port");
  }

  /** The JDK strips Basic from CONNECT while the property lists it, as by default. */
  @ParameterizedTest(name = "disabledSchemes={0}")
  @CsvSource(
      nullValues = "unset",
      value = {"unset", "Basic", "'Digest, basic'"})
  void httpsProxyCredentialsTheJdkWouldDropStopTheStart(String disabledSchemes) {
    assertThatThrownBy(
            () ->
                ProxySettings.fromEnvironment(
                    Map.of("HTTPS_PROXY", "http://u:secret@squid")::get, disabledSchemes))
        .hasMessageContaining("HTTPS_PROXY has credentials")
        .hasMessageContaining("-Djdk.http.auth.tunneling.disabledSchemes=")
        .hasMessageNotContaining("secret");
  }

  @Test
  void plainHttpProxyCredentialsNeedNoJvmSetting() throws IOException {
    ProxySettings settings =
        ProxySettings.fromEnvironment(Map.of("HTTP_PROXY", "http://u:secret@squid")::get, null);

    assertThat(settings.http().credentials()).isEqualTo(new Credentials("u", "secret"));
  }

  private static ProxySettings read(Map<String, String> env) throws IOException {
    return ProxySettings.fromEnvironment(env::get);
  }
}
