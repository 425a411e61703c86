package dev.autoconvert.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * docker-compose.yml cannot be started on machines without Docker (CI here), so its wiring is
 * checked by reading it: every name one part uses to reach another must be what that part offers.
 */
class DockerComposeTests {

  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  /** {@code ${NAME}}, {@code ${NAME:-default}}, {@code ${NAME:?message}}: compose interpolation. */
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)[^}]*}");

  private static final List<String> APPS =
      List.of("rule-service", "registry-event-listener", "conversion-worker");

  private static Path root;
  private static JsonNode services;
  private static JsonNode registryConfig;

  @BeforeAll
  static void read() throws IOException {
    root = RepoRoot.find();
    JsonNode compose = YAML.readTree(root.resolve("docker-compose.yml").toFile());
    services = compose.path("services");
    String config = compose.path("configs").path("registry_config").path("content").asString();
    // the config is itself YAML once compose has filled in the variables; keep their names
    registryConfig = YAML.readTree(VARIABLE.matcher(config).replaceAll("\\$$1"));
  }

  private static JsonNode env(String service) {
    return services.path(service).path("environment");
  }

  private static String variableIn(String value) {
    Matcher matcher = VARIABLE.matcher(value);
    assertThat(matcher.find()).as("a ${VARIABLE} in %s", value).isTrue();
    return matcher.group(1);
  }

  @Test
  void hasTheTopologyOfAutoconvertUp() {
    List<String> names = new ArrayList<>(services.propertyNames());
    assertThat(names)
        .containsExactlyInAnyOrder(
            "postgres",
            "kafka",
            "registry",
            "rule-service",
            "registry-event-listener",
            "conversion-worker");
  }

  @Test
  void everyServiceIsBuiltFromAModuleWhoseJarTheDockerfileBuilds() throws IOException {
    String dockerfile = Files.readString(root.resolve("Dockerfile"));
    for (String app : APPS) {
      String module = services.path(app).path("build").path("args").path("MODULE").asString();
      assertThat(module).as("build arg MODULE of %s", app).isEqualTo(app);
      assertThat(Files.readString(root.resolve(module).resolve("pom.xml")))
          .as("%s/pom.xml names its jar after the module", module)
          .contains("<finalName>" + module + "</finalName>");
      assertThat(dockerfile).contains(module);
    }
  }

  @Test
  void everyServiceReachesKafkaThroughItsAdvertisedListener() {
    String advertised =
        env("kafka").path("KAFKA_ADVERTISED_LISTENERS").asString().replace("PLAINTEXT://", "");
    for (String app : APPS) {
      assertThat(env(app).path("SPRING_KAFKA_BOOTSTRAP_SERVERS").asString())
          .as("Kafka of %s", app)
          .isEqualTo(advertised);
    }
  }

  @Test
  void ruleServiceUsesThePostgresDatabaseAndCredentials() {
    JsonNode postgres = env("postgres");
    JsonNode rules = env("rule-service");
    assertThat(rules.path("SPRING_DATASOURCE_URL").asString())
        .isEqualTo("jdbc:postgresql://postgres:5432/" + postgres.path("POSTGRES_DB").asString());
    assertThat(rules.path("SPRING_DATASOURCE_USERNAME").asString())
        .isEqualTo(postgres.path("POSTGRES_USER").asString());
    assertThat(rules.path("SPRING_DATASOURCE_PASSWORD").asString())
        .isEqualTo(postgres.path("POSTGRES_PASSWORD").asString());
  }

  @Test
  void registryNotifiesTheListenerWithTheTokenTheListenerChecks() {
    JsonNode endpoint = registryConfig.path("notifications").path("endpoints").path(0);
    assertThat(endpoint.path("url").asString())
        .isEqualTo(
            "http://registry-event-listener:"
                + env("registry-event-listener").path("SERVER_PORT").asString()
                + "/webhooks/distribution");
    String listenerToken =
        variableIn(
            env("registry-event-listener").path("AUTOCONVERT_LISTENER_WEBHOOK_TOKEN").asString());
    assertThat(endpoint.path("headers").path("Authorization").path(0).asString())
        .isEqualTo("Bearer $" + listenerToken);
    // at info the registry logs the endpoint headers, token included, at startup
    assertThat(registryConfig.path("log").path("level").asString()).isIn("warn", "error");
  }

  @Test
  void listenerWorkerAndReconcilerNameTheRegistryTheComposeNetworkReaches() {
    String port = registryConfig.path("http").path("addr").asString().replaceFirst("^.*:", "");
    String registry = "registry:" + port;
    assertThat(
            env("registry-event-listener").path("AUTOCONVERT_LISTENER_DEFAULT_REGISTRY").asString())
        .isEqualTo(registry);
    assertThat(env("conversion-worker").path("AUTOCONVERT_WORKER_REGISTRIES_0_HOST").asString())
        .isEqualTo(registry);
    assertThat(env("rule-service").path("AUTOCONVERT_RULES_RECONCILE_REGISTRIES_0_HOST").asString())
        .isEqualTo(registry);
  }

  @Test
  void healthChecksAskEachServiceOnItsOwnPort() {
    for (String app : APPS) {
      String port = env(app).path("SERVER_PORT").asString();
      assertThat(services.path(app).path("healthcheck").path("test").toString())
          .as("health check of %s", app)
          .contains("http://localhost:" + port + "/actuator/health");
    }
  }

  @Test
  void dependenciesNameExistingServices() {
    for (String name : services.propertyNames()) {
      for (String dependency : services.path(name).path("depends_on").propertyNames()) {
        assertThat(services.has(dependency)).as("%s depends on %s", name, dependency).isTrue();
      }
    }
  }
}
