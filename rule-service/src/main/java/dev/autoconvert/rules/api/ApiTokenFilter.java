package dev.autoconvert.rules.api;

import dev.autoconvert.bearer.BearerTokens;
import dev.autoconvert.bearer.TokenSource;
import dev.autoconvert.rules.RulesProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bearer-token authentication of {@code /api/**}: reads need a read-only or an admin token,
 * everything else an admin token (each setting may hold several while one is rotated; token files
 * are read again when they change). Failing requests get a 401 or 403 problem; tokens are compared
 * in constant time ({@link BearerTokens}) and never logged.
 */
@Component
public class ApiTokenFilter extends OncePerRequestFilter {
  /**
   * Request attribute naming who sends the request: the role and the token's {@link
   * BearerTokens#fingerprint}, e.g. {@code admin sha256:0123456789ab}.
   */
  public static final String ACTOR = "autoconvert.actor";

  private static final Logger log = LoggerFactory.getLogger(ApiTokenFilter.class);

  /** Fingerprints of tokens found in both roles, each warned of once. */
  private static final Set<String> warnedOverlaps = ConcurrentHashMap.newKeySet();

  private final TokenSource adminTokens;
  private final TokenSource readTokens;

  ApiTokenFilter(RulesProperties properties) {
    this.adminTokens = properties.adminTokens();
    this.readTokens = properties.readTokens();
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<String> presented =
        BearerTokens.presented(request.getHeader(HttpHeaders.AUTHORIZATION));
    if (presented.isEmpty()) {
      reject(
          response, HttpStatus.UNAUTHORIZED, "an Authorization: Bearer <token> header is required");
      return;
    }
    Optional<Role> role = roleOf(presented.get(), adminTokens.current(), readTokens.current());
    if (role.isEmpty()) {
      reject(response, HttpStatus.UNAUTHORIZED, "the bearer token is not valid");
      return;
    }
    if (role.get() != Role.ADMIN && !isRead(request)) {
      reject(
          response,
          HttpStatus.FORBIDDEN,
          role.get().description
              + " cannot "
              + request.getMethod()
              + " "
              + request.getRequestURI());
      return;
    }
    request.setAttribute(
        ACTOR,
        (role.get() == Role.ADMIN ? "admin " : "read ")
            + BearerTokens.fingerprint(presented.get()));
    chain.doFilter(request, response);
  }

  /** What a token may do; the description names it in a refusal. */
  enum Role {
    ADMIN("an admin token"),
    READ("the read-only token"),
    /**
     * A token both settings hold. Start-up refuses that, but token files change later: such a token
     * only reads until one of them no longer holds it, so a read-only token copied into the admin
     * file by mistake gains nothing.
     */
    BOTH(
        "a token that is both an admin and a read-only token (it only reads until one of the"
            + " two settings no longer holds it)");

    final String description;

    Role(String description) {
      this.description = description;
    }
  }

  static Optional<Role> roleOf(String token, BearerTokens admin, BearerTokens read) {
    boolean isAdmin = admin.accepts(token);
    boolean isReader = read.accepts(token);
    if (isAdmin && isReader) {
      if (warnedOverlaps.add(BearerTokens.fingerprint(token))) {
        log.warn(
            "token {} is both an admin and a read-only token: it only reads until one of the"
                + " settings no longer holds it",
            BearerTokens.fingerprint(token));
      }
      return Optional.of(Role.BOTH);
    }
    return isAdmin ? Optional.of(Role.ADMIN) : isReader ? Optional.of(Role.READ) : Optional.empty();
  }

  private static boolean isRead(HttpServletRequest request) {
    String method = request.getMethod();
    return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
  }

  private static void reject(HttpServletResponse response, HttpStatus status, String detail)
      throws IOException {
    response.setStatus(status.value());
    if (status == HttpStatus.UNAUTHORIZED) {
      response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"autoconvert\"");
    }
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response
        .getWriter()
        .write(
            "{\"type\":\"about:blank\",\"title\":\""
                + status.getReasonPhrase()
                + "\",\"status\":"
                + status.value()
                + ",\"detail\":\""
                + detail.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"}");
  }
}
