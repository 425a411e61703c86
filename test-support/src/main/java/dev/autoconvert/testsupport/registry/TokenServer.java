package dev.autoconvert.testsupport.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Docker token server for tests ({@code GET /token?service=…&scope=…} with Basic credentials, or
 * the OAuth2 form {@code POST /token} with {@code grant_type=refresh_token} and its {@link
 * #identityToken()}): answers an RS256 JWT carrying its certificate in {@code x5c}, as CNCF
 * distribution's token authentication expects. The key pair is made with the JDK's keytool; signing
 * uses {@code java.security} only. Every authenticated request gets the actions it asks for.
 */
public final class TokenServer implements AutoCloseable {
  public static final String SERVICE = "test-registry";
  public static final String ISSUER = "test-token-issuer";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private final String username;
  private final String password;
  private final Path dir;
  private final HttpServer server;
  private final List<String> requestedScopes = new CopyOnWriteArrayList<>();
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger refreshGrants = new AtomicInteger();
  private final String identityToken = "identity-" + UUID.randomUUID();
  private volatile long expiresInSeconds = 300;
  private volatile PrivateKey key;
  private volatile X509Certificate certificate;
  private int generation;

  private TokenServer(String username, String password, Path dir) throws IOException {
    this.username = username;
    this.password = password;
    this.dir = dir;
    rotateKey();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/token", this::token);
    server.start();
  }

  /** Starts a token server that accepts {@code username}/{@code password}. */
  public static TokenServer start(String username, String password, Path dir) throws IOException {
    Files.createDirectories(dir);
    return new TokenServer(username, password, dir);
  }

  public String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  /** The PEM certificate bundle the registry verifies tokens with. */
  public Path certificateBundle() {
    return dir.resolve("token-cert.pem");
  }

  /** Lifetime written into new tokens ({@code expires_in} and {@code exp}). */
  public void expiresIn(long seconds) {
    this.expiresInSeconds = seconds;
  }

  /**
   * Makes a new key pair and certificate. Tokens signed before stop working once the registry is
   * restarted (it reads the bundle at start): a key rotation as a test can provoke it.
   */
  public synchronized void rotateKey() throws IOException {
    Path keystore = dir.resolve("token-" + (++generation) + ".p12");
    String storePassword = "token-test-store";
    Executables.run(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair",
            "-alias",
            "token",
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-dname",
            "CN=" + ISSUER,
            "-validity",
            "2",
            "-keystore",
            keystore.toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            storePassword,
            "-keypass",
            storePassword));
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, storePassword.toCharArray());
      key = (PrivateKey) store.getKey("token", storePassword.toCharArray());
      certificate = (X509Certificate) store.getCertificate("token");
      String pem =
          "-----BEGIN CERTIFICATE-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(certificate.getEncoded())
              + "\n-----END CERTIFICATE-----\n";
      Files.writeString(certificateBundle(), pem);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the generated token key " + keystore, e);
    }
  }

  /** Every scope asked for, in order (one entry per scope parameter). */
  public List<String> requestedScopes() {
    return List.copyOf(requestedScopes);
  }

  public int issuedTokens() {
    return issued.get();
  }

  /**
   * The refresh token this server exchanges for access tokens, as {@code docker login} keeps it in
   * a config file's {@code identitytoken}.
   */
  public String identityToken() {
    return identityToken;
  }

  /** Access tokens issued for the identity token through the OAuth2 form. */
  public int refreshGrants() {
    return refreshGrants.get();
  }

  /** Requests refused for missing or wrong credentials. */
  public int refusedRequests() {
    return refused.get();
  }

  private void token(HttpExchange exchange) throws IOException {
    try (exchange) {
      List<String> scopes = new ArrayList<>();
      String service;
      if (exchange.getRequestMethod().equals("POST")) {
        Map<String, List<String>> form =
            form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String error = oauthError(form);
        if (error != null) {
          refused.incrementAndGet();
          send(exchange, 400, "{\"error\":\"" + error + "\"}");
          return;
        }
        refreshGrants.incrementAndGet();
        for (String scope : form.getOrDefault("scope", List.of())) {
          scopes.addAll(List.of(scope.split(" ")));
        }
        service = first(form, "service");
      } else {
        if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
          refused.incrementAndGet();
          send(exchange, 401, "{\"details\":\"invalid username/password\"}");
          return;
        }
        Map<String, List<String>> query = form(exchange.getRequestURI().getRawQuery());
        scopes.addAll(query.getOrDefault("scope", List.of()));
        service = first(query, "service");
      }
      requestedScopes.addAll(scopes);
      String jwt = sign(service == null ? SERVICE : service, scopes);
      issued.incrementAndGet();
      ObjectNode body = JSON.createObjectNode();
      body.put("token", jwt);
      body.put("access_token", jwt);
      body.put("expires_in", expiresInSeconds);
      body.put("issued_at", Instant.now().toString());
      send(exchange, 200, JSON.writeValueAsString(body));
    }
  }

  /** What is wrong with an OAuth2 form (RFC 6749 §5.2 error code), or null. */
  private String oauthError(Map<String, List<String>> form) {
    if (first(form, "client_id") == null) {
      return "invalid_request";
    }
    if (!"refresh_token".equals(first(form, "grant_type"))) {
      return "unsupported_grant_type";
    }
    return identityToken.equals(first(form, "refresh_token")) ? null : "invalid_grant";
  }

  /** Parameters of a query string or form body, each name with its values in order. */
  private static Map<String, List<String>> form(String encoded) {
    Map<String, List<String>> params = new HashMap<>();
    for (String pair : encoded == null || encoded.isEmpty() ? new String[0] : encoded.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }
    return params;
  }

  private static String first(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null ? null : values.get(0);
  }

  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      return false;
    }
    String pair =
        new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    return pair.equals(username + ":" + password);
  }

  private String sign(String audience, List<String> scopes) throws IOException {
    try {
      ObjectNode header = JSON.createObjectNode();
      header.put("typ", "JWT");
      header.put("alg", "RS256");
      header.putArray("x5c").add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
      long now = Instant.now().getEpochSecond();
      ObjectNode claims = JSON.createObjectNode();
      claims.put("iss", ISSUER);
      claims.put("sub", username);
      claims.put("aud", audience);
      claims.put("exp", now + expiresInSeconds);
      claims.put("nbf", now - 10);
      claims.put("iat", now);
      claims.put("jti", UUID.randomUUID().toString());
      ArrayNode access = claims.putArray("access");
      for (String scope : scopes) {
        // type:name:actions, where the name may itself contain colons (registry:catalog:*)
        int first = scope.indexOf(':');
        int last = scope.lastIndexOf(':');
        if (first < 0 || first == last) {
          continue;
        }
        ObjectNode entry = access.addObject();
        entry.put("type", scope.substring(0, first));
        entry.put("name", scope.substring(first + 1, last));
        ArrayNode actions = entry.putArray("actions");
        for (String action : scope.substring(last + 1).split(",")) {
          actions.add(action);
        }
      }
      String signingInput =
          URL.encodeToString(JSON.writeValueAsBytes(header))
              + "."
              + URL.encodeToString(JSON.writeValueAsBytes(claims));
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(key);
      rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + URL.encodeToString(rs256.sign());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot sign a test token", e);
    }
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().put("Content-Type", List.of("application/json"));
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Configuration lines for the registry's {@code auth.token} section. */
  Map<String, String> registryAuthConfig() {
    return Map.of(
        "realm",
        realm(),
        "service",
        SERVICE,
        "issuer",
        ISSUER,
        "rootcertbundle",
        certificateBundle().toString());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
