package dev.autoconvert.rules.api;

import dev.autoconvert.rules.RulesProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bearer-token authentication of {@code /api/**}: reads need the read-only or the admin token,
 * everything else the admin token. Failing requests get a 401 or 403 problem; tokens are compared
 * in constant time (as SHA-256 hashes, so even their length does not leak) and never logged.
 */
@Component
class ApiTokenFilter extends OncePerRequestFilter {
  private static final String PREFIX = "Bearer ";

  private final byte[] adminHash;
  private final byte[] readHash;

  ApiTokenFilter(RulesProperties properties) {
    this.adminHash = sha256(properties.adminToken());
    this.readHash = sha256(properties.readToken());
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      reject(
          response, HttpStatus.UNAUTHORIZED, "an Authorization: Bearer <token> header is required");
      return;
    }
    byte[] presented = sha256(header.substring(PREFIX.length()).trim());
    boolean admin = MessageDigest.isEqual(presented, adminHash);
    boolean reader = MessageDigest.isEqual(presented, readHash);
    if (!admin && !reader) {
      reject(response, HttpStatus.UNAUTHORIZED, "the bearer token is not valid");
      return;
    }
    if (!admin && !isRead(request)) {
      reject(
          response,
          HttpStatus.FORBIDDEN,
          "the read-only token cannot " + request.getMethod() + " " + request.getRequestURI());
      return;
    }
    chain.doFilter(request, response);
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

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
