package dev.autoconvert.cli.store;

import dev.autoconvert.format.FormatException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OCI image layout directory as {@code skopeo copy ... oci:DIR:TAG} writes it: {@code
 * oci-layout}, {@code index.json} naming tags with {@code org.opencontainers.image.ref.name}, and
 * {@code blobs/sha256/<hex>}. Created on first write when missing.
 */
public final class OciLayoutStore implements ImageStore {
  private static final String REF_NAME = "org.opencontainers.image.ref.name";
  private static final String LAYOUT_FILE = "oci-layout";
  private static final String LAYOUT_CONTENT = "{\"imageLayoutVersion\":\"1.0.0\"}";
  private static final String INDEX_FILE = "index.json";
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Path dir;

  public OciLayoutStore(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  @Override
  public String location() {
    return "oci:" + dir;
  }

  @Override
  public String repository() {
    return dir.toString();
  }

  @Override
  public StoredManifest manifest(String reference) throws IOException {
    return findManifest(reference)
        .orElseThrow(
            () -> new NoSuchFileException(location() + ":" + reference + " (no such manifest)"));
  }

  @Override
  public synchronized Optional<StoredManifest> findManifest(String reference) throws IOException {
    if (DIGEST.matcher(reference).matches()) {
      Path blob = blobPath(reference);
      if (!Files.exists(blob)) {
        return Optional.empty();
      }
      byte[] bytes = Files.readAllBytes(blob);
      return Optional.of(new StoredManifest(mediaTypeOf(bytes, reference), reference, bytes));
    }
    if (!Files.exists(dir.resolve(INDEX_FILE))) {
      return Optional.empty();
    }
    for (JsonNode entry : index().path("manifests")) {
      if (reference.equals(entry.path("annotations").path(REF_NAME).asString(""))) {
        String digest = entry.path("digest").asString("");
        byte[] bytes = Files.readAllBytes(blobPath(digest));
        return Optional.of(
            new StoredManifest(
                entry.path("mediaType").asString(mediaTypeOf(bytes, digest)), digest, bytes));
      }
    }
    return Optional.empty();
  }

  @Override
  public InputStream openBlob(String digest, long size) throws IOException {
    Path blob = blobPath(digest);
    return verifying(Files.newInputStream(blob), digest, location() + " blob " + digest);
  }

  @Override
  public synchronized BlobPush pushBlob(String digest, long size, Content content, String mountFrom)
      throws IOException {
    Path blob = blobPath(digest);
    if (Files.exists(blob)) {
      return BlobPush.EXISTED;
    }
    Files.createDirectories(blob.getParent());
    writeLayoutFile();
    Path partial = Files.createTempFile(blob.getParent(), ".upload-", ".partial");
    try (InputStream in = verifying(content.open(), digest, "upload of " + digest);
        OutputStream out = Files.newOutputStream(partial)) {
      in.transferTo(out);
    } catch (IOException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    Files.move(partial, blob, StandardCopyOption.ATOMIC_MOVE);
    return BlobPush.UPLOADED;
  }

  @Override
  public synchronized void pushManifest(String reference, StoredManifest manifest)
      throws IOException {
    pushBlob(
        manifest.digest(),
        manifest.size(),
        () -> new java.io.ByteArrayInputStream(manifest.bytes()),
        null);
    if (DIGEST.matcher(reference).matches()) {
      return;
    }
    ObjectNode index =
        Files.exists(dir.resolve(INDEX_FILE))
            ? index()
            : JSON.createObjectNode().put("schemaVersion", 2);
    ArrayNode kept = JSON.createArrayNode();
    for (JsonNode entry : index.path("manifests")) {
      if (!reference.equals(entry.path("annotations").path(REF_NAME).asString(""))) {
        kept.add(entry);
      }
    }
    ObjectNode entry = kept.addObject();
    entry.put("mediaType", manifest.mediaType());
    entry.put("digest", manifest.digest());
    entry.put("size", manifest.size());
    entry.putObject("annotations").put(REF_NAME, reference);
    index.set("manifests", kept);
    Path tmp = Files.createTempFile(dir, ".index-", ".json");
    Files.write(tmp, JSON.writeValueAsBytes(index));
    Files.move(tmp, dir.resolve(INDEX_FILE), StandardCopyOption.ATOMIC_MOVE);
  }

  private void writeLayoutFile() throws IOException {
    Path layout = dir.resolve(LAYOUT_FILE);
    if (!Files.exists(layout)) {
      Files.writeString(layout, LAYOUT_CONTENT, StandardCharsets.UTF_8);
    }
  }

  private ObjectNode index() throws IOException {
    JsonNode node = JSON.readTree(Files.readAllBytes(dir.resolve(INDEX_FILE)));
    if (!node.isObject()) {
      throw new FormatException(location() + "/index.json is not a JSON object");
    }
    return (ObjectNode) node;
  }

  private Path blobPath(String digest) throws FormatException {
    if (!DIGEST.matcher(digest).matches()) {
      throw new FormatException(location() + ": '" + digest + "' is not a sha256 digest");
    }
    return dir.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  private static String mediaTypeOf(byte[] json, String digest) throws FormatException {
    JsonNode node = JSON.readTree(json);
    String type = node.path("mediaType").asString("");
    if (!type.isEmpty()) {
      return type;
    }
    if (node.has("manifests")) {
      return "application/vnd.oci.image.index.v1+json";
    }
    if (node.has("layers")) {
      return "application/vnd.oci.image.manifest.v1+json";
    }
    throw new FormatException(
        "manifest " + digest + " has no media type and is neither an image nor an index");
  }

  /** Fails at the end of the stream when the content does not hash to {@code digest}. */
  static InputStream verifying(InputStream in, String digest, String what) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return new FilterInputStream(new DigestInputStream(in, sha256)) {
      private boolean checked;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
          check();
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n < 0) {
          check();
        }
        return n;
      }

      private void check() throws IOException {
        if (checked) {
          return;
        }
        checked = true;
        String actual = "sha256:" + HexFormat.of().formatHex(sha256.digest());
        if (!actual.equals(digest)) {
          throw new FormatException(
              what + ": content hashes to " + actual + ", expected " + digest);
        }
      }
    };
  }
}
