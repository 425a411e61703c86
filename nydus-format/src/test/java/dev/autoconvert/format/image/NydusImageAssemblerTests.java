package dev.autoconvert.format.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.format.Fixtures;
import dev.autoconvert.imagespec.MediaTypes;
import dev.autoconvert.imagespec.NydusAnnotations;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class NydusImageAssemblerTests {
  private static final String LAYER_A = "sha256:" + "a1".repeat(32);
  private static final String LAYER_B = "sha256:" + "b2".repeat(32);
  private static final String BLOB_A = "sha256:" + "0a".repeat(32);
  private static final String BLOB_B = "sha256:" + "0b".repeat(32);
  private static final String CONFIG = "sha256:" + "cc".repeat(32);

  private static final String SOURCE_CONFIG =
      """
      {"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/bin"],"Cmd":["/bin/sh"]},
       "rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]},
       "history":[{"created_by":"ADD a"},{"created_by":"ADD b"}],"container_config":{"Hostname":"x"}}
      """
          .formatted("d1".repeat(32), "d2".repeat(32));

  private static SourceImage source(String manifestType, String layerType) {
    String manifest =
        """
        {"schemaVersion":2,"mediaType":"%s",
         "config":{"mediaType":"%s","digest":"%s","size":321},
         "layers":[{"mediaType":"%s","digest":"%s","size":100},
                   {"mediaType":"%s","digest":"%s","size":200}],
         "annotations":{"org.opencontainers.image.source":"https://example.invalid/app"}}
        """
            .formatted(
                manifestType,
                manifestType.equals(MediaTypes.DOCKER_MANIFEST)
                    ? MediaTypes.DOCKER_CONFIG
                    : MediaTypes.OCI_CONFIG,
                CONFIG,
                layerType,
                LAYER_A,
                layerType,
                LAYER_B);
    byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
    return new SourceImage(
        "127.0.0.1:5000/team/app:v1",
        NydusImageAssembler.digest(bytes),
        bytes,
        SOURCE_CONFIG.getBytes(StandardCharsets.UTF_8));
  }

  private static final BootstrapLayer BOOTSTRAP = BootstrapLayer.of(new byte[8192], List.of());

  private static List<Descriptor> blobs() {
    return List.of(
        NydusImageAssembler.blobLayer(BLOB_A, 1000), NydusImageAssembler.blobLayer(BLOB_B, 2000));
  }

  private static JsonNode json(byte[] bytes) {
    return Json.MAPPER.readTree(bytes);
  }

  @Test
  void ociManifestHasTheShapeNydusifyWrites() throws IOException {
    JsonNode reference =
        Json.MAPPER.readTree(
            Files.readAllBytes(Fixtures.file("manifests/nydusify-example-manifest.json")));
    AssembledImage image =
        NydusImageAssembler.assemble(
            source(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_LAYER_GZIP),
            blobs(),
            BOOTSTRAP,
            new AssemblyOptions(false, Map.of("dev.autoconvert.source.sequence", "7")));
    JsonNode manifest = json(image.manifestJson());

    JsonNode refBlob = reference.get("layers").get(0);
    JsonNode ourBlob = manifest.get("layers").get(0);
    assertThat(fieldNames(ourBlob)).isEqualTo(fieldNames(refBlob));
    assertThat(ourBlob.get("mediaType")).isEqualTo(refBlob.get("mediaType"));
    assertThat(ourBlob.get("annotations")).isEqualTo(refBlob.get("annotations"));
    assertThat(ourBlob.get("digest").asString()).isEqualTo(BLOB_A);
    assertThat(ourBlob.get("size").asLong()).isEqualTo(1000);

    JsonNode refBoot = reference.get("layers").get(reference.get("layers").size() - 1);
    JsonNode ourBoot = manifest.get("layers").get(2);
    assertThat(ourBoot.get("mediaType")).isEqualTo(refBoot.get("mediaType"));
    assertThat(ourBoot.get("annotations").get(NydusAnnotations.BOOTSTRAP))
        .isEqualTo(refBoot.get("annotations").get(NydusAnnotations.BOOTSTRAP));
    assertThat(ourBoot.get("annotations").get(NydusAnnotations.FS_VERSION).asString())
        .isEqualTo("6");
    assertThat(ourBoot.get("digest").asString()).isEqualTo(BOOTSTRAP.digest());
    assertThat(ourBoot.get("size").asLong()).isEqualTo(BOOTSTRAP.size());

    assertThat(manifest.get("schemaVersion")).isEqualTo(reference.get("schemaVersion"));
    assertThat(manifest.get("config").get("mediaType"))
        .isEqualTo(reference.get("config").get("mediaType"));
    assertThat(manifest.get("config").get("digest").asString())
        .isEqualTo(NydusImageAssembler.digest(image.configJson()));
    assertThat(manifest.get("config").get("size").asLong()).isEqualTo(image.configJson().length);
    assertThat(manifest.has("subject")).isFalse();

    Map<String, String> annotations = NydusImageAssembler.annotations(image.manifestJson());
    assertThat(annotations)
        .containsEntry(
            NydusAnnotations.SOURCE_DIGEST,
            source(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_LAYER_GZIP).manifestDigest())
        .containsEntry(NydusAnnotations.SOURCE_REFERENCE, "127.0.0.1:5000/team/app:v1")
        .containsEntry(NydusAnnotations.FS_VERSION, "6")
        .containsEntry("dev.autoconvert.source.sequence", "7")
        .containsEntry("org.opencontainers.image.source", "https://example.invalid/app");
    assertThat(image.manifest().digest())
        .isEqualTo(NydusImageAssembler.digest(image.manifestJson()));
    assertThat(image.manifest().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void configGetsBlobDiffIdsTheBootstrapTarDigestAndOneHistoryEntry() throws IOException {
    AssembledImage image =
        NydusImageAssembler.assemble(
            source(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_LAYER_GZIP),
            blobs(),
            BOOTSTRAP,
            new AssemblyOptions(false, Map.of()));
    JsonNode config = json(image.configJson());
    assertThat(config.get("rootfs").get("diff_ids").valueStream().map(JsonNode::asString))
        .containsExactly(BLOB_A, BLOB_B, BOOTSTRAP.diffId());
    JsonNode history = config.get("history");
    assertThat(history.size()).isEqualTo(3);
    assertThat(history.get(2).get("created_by").asString()).isEqualTo("Nydus Converter");
    assertThat(history.get(2).get("comment").asString()).isEqualTo("Nydus Bootstrap Layer");
    assertThat(fieldNames(history.get(2))).containsExactly("created_by", "comment");
    JsonNode source = Json.MAPPER.readTree(SOURCE_CONFIG);
    assertThat(config.get("config")).isEqualTo(source.get("config"));
    assertThat(config.get("container_config")).isEqualTo(source.get("container_config"));
  }

  @Test
  void dockerSourceKeepsDockerMediaTypesAndGetsNoSubject() throws IOException {
    AssembledImage image =
        NydusImageAssembler.assemble(
            source(MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_LAYER_GZIP),
            blobs(),
            BOOTSTRAP,
            new AssemblyOptions(true, Map.of()));
    JsonNode manifest = json(image.manifestJson());
    assertThat(manifest.get("mediaType").asString()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(manifest.get("config").get("mediaType").asString())
        .isEqualTo(MediaTypes.DOCKER_CONFIG);
    assertThat(manifest.get("layers").get(0).get("mediaType").asString())
        .isEqualTo(MediaTypes.NYDUS_BLOB);
    assertThat(manifest.get("layers").get(2).get("mediaType").asString())
        .isEqualTo(MediaTypes.DOCKER_LAYER_GZIP);
    assertThat(manifest.has("subject")).isFalse();
  }

  @Test
  void withReferrerNamesTheSourceManifestAsSubject() throws IOException {
    SourceImage source = source(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_LAYER_GZIP);
    AssembledImage image =
        NydusImageAssembler.assemble(
            source, blobs(), BOOTSTRAP, new AssemblyOptions(true, Map.of()));
    JsonNode subject = json(image.manifestJson()).get("subject");
    assertThat(subject.get("mediaType").asString()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(subject.get("digest").asString()).isEqualTo(source.manifestDigest());
    assertThat(subject.get("size").asLong()).isEqualTo(source.manifestJson().length);
    assertThat(fieldNames(subject)).containsExactly("mediaType", "digest", "size");
  }

  @Test
  void blobCountOtherThanLayerCountIsRejectedNamingTheSource() {
    assertThatThrownBy(
            () ->
                NydusImageAssembler.assemble(
                    source(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_LAYER_GZIP),
                    blobs().subList(0, 1),
                    BOOTSTRAP,
                    new AssemblyOptions(false, Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("127.0.0.1:5000/team/app:v1 has 2 layers but 1 Nydus blobs");
  }

  @Test
  void bootstrapLayerIsAGzipTarWithImageDirectoryAndReadOnlyBootstrap() throws IOException {
    byte[] bootstrap = new byte[3 * 4096];
    bootstrap[1024] = (byte) 0xe2;
    BootstrapLayer layer = BootstrapLayer.of(bootstrap, List.of());
    byte[] tar = new GZIPInputStream(new ByteArrayInputStream(layer.gzip())).readAllBytes();
    assertThat(layer.diffId()).isEqualTo(NydusImageAssembler.digest(tar));
    assertThat(layer.digest()).isEqualTo(NydusImageAssembler.digest(layer.gzip()));
    assertThat(BootstrapLayer.of(bootstrap, List.of())).usingRecursiveComparison().isEqualTo(layer);

    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        names.add(e.getName());
        assertThat(e.getLongUserId()).isZero();
        assertThat(e.getModTime().getTime()).isZero();
        if (e.isDirectory()) {
          assertThat(e.getMode() & 07777).isEqualTo(0755);
        } else {
          assertThat(e.getMode() & 07777).isEqualTo(0444);
          assertThat(in.readAllBytes()).isEqualTo(bootstrap);
        }
      }
    }
    assertThat(names).containsExactly("image/", "image/image.boot");
  }

  @Test
  void indexListsEveryConvertedPlatformWithItsSourcePlatform() throws IOException {
    SourceIndex source = index();
    List<IndexEntry> selected = source.select(List.of());
    Map<IndexEntry, Descriptor> converted = new LinkedHashMap<>();
    converted.put(
        selected.get(0), new Descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + "e1".repeat(32), 900));
    converted.put(
        selected.get(1), new Descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + "e2".repeat(32), 901));
    JsonNode index =
        json(
            NydusImageAssembler.assembleIndex(
                source, converted, new AssemblyOptions(false, Map.of("k", "v"))));
    assertThat(index.get("mediaType").asString()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(index.get("manifests").size()).isEqualTo(2);
    assertThat(index.get("manifests").get(1).get("platform").get("variant").asString())
        .isEqualTo("v8");
    assertThat(index.get("manifests").get(1).get("digest").asString())
        .isEqualTo("sha256:" + "e2".repeat(32));
    assertThat(index.get("annotations").get(NydusAnnotations.SOURCE_DIGEST).asString())
        .isEqualTo(source.digest());
    assertThat(index.get("annotations").get("k").asString()).isEqualTo("v");
  }

  @Test
  void platformSelectionLeavesOutAttestationsAndHonoursVariants() throws IOException {
    SourceIndex source = index();
    assertThat(source.entries()).hasSize(4);
    assertThat(source.select(List.of()))
        .extracting(e -> e.platform().toString())
        .containsExactly("linux/amd64", "linux/arm64/v8");
    assertThat(source.select(List.of(Platform.parse("linux/arm64"))))
        .extracting(e -> e.platform().toString())
        .containsExactly("linux/arm64/v8");
    assertThat(source.select(List.of(Platform.parse("linux/arm64/v7")))).isEmpty();
    assertThatThrownBy(() -> Platform.parse("linux"))
        .hasMessageContaining("platform 'linux' is not os/architecture");
  }

  private static SourceIndex index() {
    String json =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
         {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":500,
          "platform":{"architecture":"amd64","os":"linux"}},
         {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":501,
          "platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
         {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":502,
          "platform":{"architecture":"unknown","os":"unknown"},
          "annotations":{"vnd.docker.reference.type":"attestation-manifest"}},
         {"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":503}]}
        """
            .formatted("f1".repeat(32), "f2".repeat(32), "f3".repeat(32), "f4".repeat(32));
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return new SourceIndex("127.0.0.1:5000/multi:v1", NydusImageAssembler.digest(bytes), bytes);
  }

  private static List<String> fieldNames(JsonNode node) {
    return new ArrayList<>(node.propertyNames());
  }
}
