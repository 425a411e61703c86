package dev.autoconvert.oci.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One page of a paginated list ({@code /v2/<name>/tags/list} or {@code /v2/_catalog}): the names in
 * {@code field} and the next page from the {@code Link: <…>; rel="next"} header.
 */
final class PageLister implements RegistryOperation<PageLister.Page> {
  private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Names on this page and the next page, or null on the last one. */
  record Page(List<String> items, URI next) {}

  private final String action;
  private final List<String> scopes;
  private final URI page;
  private final String field;

  PageLister(String action, List<String> scopes, URI page, String field) {
    this.action = action;
    this.scopes = scopes;
    this.page = page;
    this.field = field;
  }

  @Override
  public String action() {
    return action;
  }

  @Override
  public List<String> scopes() {
    return scopes;
  }

  @Override
  public HttpRequest.Builder request(URI base) {
    return HttpRequest.newBuilder(base.resolve(page)).GET();
  }

  @Override
  public Page handle(HttpResponse<InputStream> response) throws IOException {
    byte[] body = Http.readBody(response, Http.MANIFEST_LIMIT, "list page " + page);
    List<String> items = new ArrayList<>();
    try {
      JsonNode array = JSON.readTree(body).get(field);
      if (array != null && array.isArray()) {
        array.forEach(node -> items.add(node.asString()));
      }
    } catch (JacksonException e) {
      throw new IOException(action + ": page " + page + " is not JSON", e);
    }
    URI next = null;
    for (String link : response.headers().allValues("Link")) {
      Matcher m = NEXT_LINK.matcher(link);
      if (m.find()) {
        next = response.uri().resolve(m.group(1));
      }
    }
    return new Page(items, next);
  }
}
