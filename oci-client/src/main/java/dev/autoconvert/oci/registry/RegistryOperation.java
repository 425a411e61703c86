package dev.autoconvert.oci.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * One registry request: what it is called in errors, the token scopes it needs, how to build it and
 * how to read a successful answer. {@link RegistryClient} owns authentication, redirects, retries
 * and the mapping of failed answers to errors (Jib's RegistryEndpointProvider shape).
 */
interface RegistryOperation<T> {
  /** Names the action in errors, e.g. {@code push blob sha256:… to host/repo}. */
  String action();

  /** Token scopes, e.g. {@code repository:app:pull}. */
  List<String> scopes();

  /** The request without authorization, against {@code base} ({@code scheme://host}). */
  HttpRequest.Builder request(URI base) throws IOException;

  /** Status codes {@link #handle} reads; anything else is an error. */
  default boolean accepts(int status) {
    return status >= 200 && status < 300;
  }

  T handle(HttpResponse<InputStream> response) throws IOException;

  /**
   * Whether sending the request again is safe and possible. Uploads into an upload session are not:
   * the session state after a failure is unknown, so the whole push restarts instead.
   */
  default boolean replayable() {
    return true;
  }

  /** Whether {@link #handle} takes ownership of the body stream (streaming pulls). */
  default boolean keepsBody() {
    return false;
  }

  static String pull(String repository) {
    return "repository:" + repository + ":pull";
  }

  static String push(String repository) {
    return "repository:" + repository + ":pull,push";
  }
}
