package dev.autoconvert.oci.registry;

import dev.autoconvert.imagespec.MediaTypes;
import dev.autoconvert.imagespec.SpecJson;
import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.manifest.Descriptor;
import dev.autoconvert.oci.manifest.RawManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** OCI manifests and indexes for the tests: written as compact JSON, read back as descriptors. */
final class Manifests {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Manifests() {}

  static RawManifest image(Descriptor config, List<Descriptor> layers) {
    ObjectNode manifest = document(MediaTypes.OCI_MANIFEST);
    manifest.set("config", json(config));
    ArrayNode array = manifest.putArray("layers");
    layers.forEach(layer -> array.add(json(layer)));
    return RawManifest.of(MediaTypes.OCI_MANIFEST, MAPPER.writeValueAsBytes(manifest));
  }

  /** An index of the given manifests, in order, each with its {@code os/architecture[/variant]}. */
  static RawManifest index(Map<RawManifest, String> platforms) {
    ObjectNode index = document(MediaTypes.OCI_INDEX);
    ArrayNode array = index.putArray("manifests");
    platforms.forEach(
        (manifest, platform) -> {
          String[] parts = platform.split("/");
          ObjectNode entry = json(manifest.descriptor());
          ObjectNode p =
              entry.putObject("platform").put("os", parts[0]).put("architecture", parts[1]);
          if (parts.length > 2) {
            p.put("variant", parts[2]);
          }
          array.add(entry);
        });
    return RawManifest.of(MediaTypes.OCI_INDEX, MAPPER.writeValueAsBytes(index));
  }

  static Descriptor config(RawManifest manifest) throws IOException {
    return descriptor(read(manifest).path("config"));
  }

  static List<Descriptor> layers(RawManifest manifest) throws IOException {
    return descriptors(read(manifest).path("layers"));
  }

  static List<Descriptor> manifests(RawManifest index) throws IOException {
    return descriptors(read(index).path("manifests"));
  }

  /** Each index entry's platform as {@code os/architecture[/variant]}. */
  static List<String> platforms(RawManifest index) throws IOException {
    List<String> platforms = new ArrayList<>();
    for (JsonNode entry : read(index).path("manifests")) {
      JsonNode p = entry.path("platform");
      String variant = p.path("variant").asString("");
      platforms.add(
          p.path("os").asString()
              + "/"
              + p.path("architecture").asString()
              + (variant.isEmpty() ? "" : "/" + variant));
    }
    return platforms;
  }

  private static ObjectNode document(String mediaType) {
    return MAPPER.createObjectNode().put("schemaVersion", 2).put("mediaType", mediaType);
  }

  private static ObjectNode json(Descriptor d) {
    return MAPPER
        .createObjectNode()
        .put("mediaType", d.mediaType())
        .put("digest", d.digest().toString())
        .put("size", d.size());
  }

  private static JsonNode read(RawManifest manifest) throws IOException {
    return SpecJson.object(manifest.bytes(), manifest.toString());
  }

  private static List<Descriptor> descriptors(JsonNode array) {
    List<Descriptor> descriptors = new ArrayList<>();
    array.forEach(d -> descriptors.add(descriptor(d)));
    return descriptors;
  }

  private static Descriptor descriptor(JsonNode d) {
    return Descriptor.of(
        d.path("mediaType").asString(),
        Digest.parse(d.path("digest").asString()),
        d.path("size").asLong());
  }
}
