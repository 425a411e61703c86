package dev.autoconvert.testsupport.registry;

import dev.autoconvert.imagespec.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes test images into an OCI image layout directory (oci-layout, index.json, blobs/sha256),
 * from which {@link LocalRegistry#pushFromLayout} pushes them with skopeo. Layers are tar archives
 * (see {@link TarBuilder}), stored gzip-compressed; configs carry the diff_ids.
 *
 * <pre>{@code
 * OciLayout layout = OciLayout.create(dir);
 * layout.image("single", "amd64", List.of(new TarBuilder().file("etc/motd", "hi").build()));
 * registry.pushFromLayout(layout.path(), "single", "app:v1");
 * }</pre>
 */
public final class OciLayout {
  private static final String REF_NAME = "org.opencontainers.image.ref.name";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A blob written to the layout. */
  public record Blob(String mediaType, String digest, long size) {}

  /** An image written to the layout: its manifest, config and (compressed) layers. */
  public record Image(
      Blob manifest, Blob config, List<Blob> layers, List<String> diffIds, String architecture) {}

  private final Path path;
  private final ObjectNode index;

  private OciLayout(Path path) {
    this.path = path;
    this.index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.putArray("manifests");
  }

  public static OciLayout create(Path path) throws IOException {
    Files.createDirectories(path.resolve("blobs/sha256"));
    Files.writeString(path.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    OciLayout layout = new OciLayout(path);
    layout.writeIndex();
    return layout;
  }

  public Path path() {
    return path;
  }

  /**
   * Adds a linux image with the given uncompressed layer tars, tagged {@code tag} in the layout.
   */
  public Image image(String tag, String architecture, List<byte[]> layerTars) throws IOException {
    return tagged(tag, image(architecture, layerTars));
  }

  /** As {@link #image(String, String, List)}, with these annotations on the manifest. */
  public Image image(
      String tag, String architecture, List<byte[]> layerTars, Map<String, String> annotations)
      throws IOException {
    return tagged(tag, image(architecture, layerTars, annotations, Map.of()));
  }

  /**
   * Adds an image shaped as nydus tooling makes one, tagged {@code tag}: its last layer is
   * annotated as the Nydus bootstrap (NYDUS-FORMAT.md §5.1). Only the manifest says so; the layers
   * are the given tars.
   */
  public Image nydusShapedImage(String tag, String architecture, List<byte[]> layerTars)
      throws IOException {
    return tagged(
        tag,
        image(
            architecture,
            layerTars,
            Map.of(),
            Map.of("containerd.io/snapshot/nydus-bootstrap", "true")));
  }

  /** Adds an untagged image (e.g. one platform of an index). */
  public Image image(String architecture, List<byte[]> layerTars) throws IOException {
    return image(architecture, layerTars, Map.of(), Map.of());
  }

  private Image tagged(String tag, Image image) throws IOException {
    tag(tag, image.manifest());
    return image;
  }

  private Image image(
      String architecture,
      List<byte[]> layerTars,
      Map<String, String> annotations,
      Map<String, String> lastLayerAnnotations)
      throws IOException {
    List<Blob> layers = new ArrayList<>();
    List<String> diffIds = new ArrayList<>();
    for (byte[] tar : layerTars) {
      diffIds.add(digest(tar));
      layers.add(write(MediaTypes.OCI_LAYER_GZIP, gzip(tar)));
    }
    ObjectNode config = JSON.createObjectNode();
    config.put("created", "2024-01-01T00:00:00Z");
    config.put("architecture", architecture);
    config.put("os", "linux");
    config.putObject("config").putArray("Env").add("PATH=/usr/bin:/bin");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode ids = rootfs.putArray("diff_ids");
    diffIds.forEach(ids::add);
    Blob configBlob = write(MediaTypes.OCI_CONFIG, JSON.writeValueAsBytes(config));
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.set("config", descriptor(configBlob));
    ArrayNode layerArray = manifest.putArray("layers");
    layers.forEach(layer -> layerArray.add(descriptor(layer)));
    if (!lastLayerAnnotations.isEmpty() && !layers.isEmpty()) {
      ObjectNode notes = ((ObjectNode) layerArray.get(layers.size() - 1)).putObject("annotations");
      lastLayerAnnotations.forEach(notes::put);
    }
    if (!annotations.isEmpty()) {
      ObjectNode notes = manifest.putObject("annotations");
      annotations.forEach(notes::put);
    }
    Blob manifestBlob = write(MediaTypes.OCI_MANIFEST, JSON.writeValueAsBytes(manifest));
    return new Image(manifestBlob, configBlob, layers, diffIds, architecture);
  }

  /** Adds an index of the given images (platform linux/architecture), tagged {@code tag}. */
  public Blob index(String tag, List<Image> images) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.put("schemaVersion", 2);
    node.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode manifests = node.putArray("manifests");
    for (Image image : images) {
      ObjectNode entry = descriptor(image.manifest());
      ObjectNode platform = entry.putObject("platform");
      platform.put("architecture", image.architecture());
      platform.put("os", "linux");
      manifests.add(entry);
    }
    Blob blob = write(MediaTypes.OCI_INDEX, JSON.writeValueAsBytes(node));
    tag(tag, blob);
    return blob;
  }

  /** The bytes of a blob in the layout. */
  public byte[] read(String digest) throws IOException {
    return Files.readAllBytes(path.resolve("blobs/sha256").resolve(digest.substring(7)));
  }

  private void tag(String tag, Blob blob) throws IOException {
    ObjectNode entry = descriptor(blob);
    entry.putObject("annotations").put(REF_NAME, tag);
    ((ArrayNode) index.get("manifests")).add(entry);
    writeIndex();
  }

  private void writeIndex() throws IOException {
    Files.write(path.resolve("index.json"), JSON.writeValueAsBytes(index));
  }

  private static ObjectNode descriptor(Blob blob) {
    ObjectNode node = JSON.createObjectNode();
    node.put("mediaType", blob.mediaType());
    node.put("digest", blob.digest());
    node.put("size", blob.size());
    return node;
  }

  private Blob write(String mediaType, byte[] content) throws IOException {
    String digest = digest(content);
    Path file = path.resolve("blobs/sha256").resolve(digest.substring(7));
    if (!Files.exists(file)) {
      Files.write(file, content);
    }
    return new Blob(mediaType, digest, content.length);
  }

  /** gzip with the JDK's fixed header (mtime 0), so equal tars give equal blobs. */
  public static byte[] gzip(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static String digest(byte[] content) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
