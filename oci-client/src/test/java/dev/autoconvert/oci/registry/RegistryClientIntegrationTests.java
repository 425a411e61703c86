package dev.autoconvert.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.imagespec.MediaTypes;
import dev.autoconvert.oci.Digest;
import dev.autoconvert.oci.ErrorKind;
import dev.autoconvert.oci.ImageReference;
import dev.autoconvert.oci.RegistryException;
import dev.autoconvert.oci.manifest.Descriptor;
import dev.autoconvert.oci.manifest.RawManifest;
import dev.autoconvert.testsupport.registry.LocalRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against a real docker-registry (CNCF distribution 2.8) on loopback. */
class RegistryClientIntegrationTests {
  private static LocalRegistry registry;
  private static RegistryClient client;

  @BeforeAll
  static void startRegistry() throws IOException {
    registry = LocalRegistry.start();
    client = RegistryClient.builder().registry(RegistryConfig.plainHttp(registry.host())).build();
  }

  @AfterAll
  static void stopRegistry() throws IOException {
    if (registry != null) {
      registry.close();
    }
  }

  static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(UUID.randomUUID().getMostSignificantBits()).nextBytes(bytes);
    return bytes;
  }

  private static ImageReference ref(String repositoryAndTag) {
    return ImageReference.parse(registry.host() + "/" + repositoryAndTag);
  }

  /** Pushes a config and the layers, then the manifest under {@code reference}. */
  static RawManifest pushImage(RegistryClient client, ImageReference reference, byte[]... layers)
      throws IOException {
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"},\"id\":\""
                + UUID.randomUUID()
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    BlobSource configBlob = BlobSource.ofBytes(config);
    client.pushBlob(reference, configBlob);
    List<Descriptor> layerDescriptors = new java.util.ArrayList<>();
    for (byte[] layer : layers) {
      BlobSource blob = BlobSource.ofBytes(layer);
      client.pushBlob(reference, blob);
      layerDescriptors.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob.digest(), blob.size()));
    }
    RawManifest manifest =
        Manifests.image(
            Descriptor.of(MediaTypes.OCI_CONFIG, configBlob.digest(), config.length),
            layerDescriptors);
    client.pushManifest(reference, manifest);
    return manifest;
  }

  private static byte[] pull(ImageReference repository, Descriptor blob) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    client.pullBlob(repository, blob, out);
    return out.toByteArray();
  }

  @Test
  void pushedImageComesBackByTagAndByDigestWithTheSameBytes() throws IOException {
    ImageReference reference = ref("roundtrip/app:v1");
    byte[] layer1 = randomBytes(10_000);
    byte[] layer2 = randomBytes(70_000);
    RawManifest pushed = pushImage(client, reference, layer1, layer2);

    RawManifest byTag = client.pullManifest(reference);
    RawManifest byDigest = client.pullManifest(reference.withDigest(pushed.digest()));
    assertThat(byTag).isEqualTo(pushed);
    assertThat(byDigest.bytes()).isEqualTo(pushed.bytes());
    assertThat(byTag.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);

    List<Descriptor> layers = Manifests.layers(byTag);
    assertThat(pull(reference, layers.get(0))).isEqualTo(layer1);
    assertThat(pull(reference, layers.get(1))).isEqualTo(layer2);
    assertThat(client.checkManifest(reference)).contains(pushed.descriptor());
    assertThat(client.checkBlob(reference, layers.get(1).digest())).hasValue(70_000);
  }

  @Test
  void blobAlreadyInTheRepositoryIsNotPushedAgain() throws IOException {
    ImageReference repository = ref("existing/app:v1");
    BlobSource blob = BlobSource.ofBytes(randomBytes(1000));
    assertThat(client.pushBlob(repository, blob)).isEqualTo(BlobPushOutcome.UPLOADED);
    int requestsBefore = uploadsTo("existing/app");
    assertThat(client.pushBlob(repository, blob)).isEqualTo(BlobPushOutcome.EXISTED);
    assertThat(uploadsTo("existing/app")).isEqualTo(requestsBefore);
  }

  @Test
  void largeBlobGoesUpInPatchChunksFromAFile(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    RegistryClient chunking =
        RegistryClient.builder()
            .registry(RegistryConfig.plainHttp(registry.host()))
            .chunkSize(64 * 1024)
            .build();
    byte[] content = randomBytes(300 * 1024 + 17);
    Path file = dir.resolve("layer");
    Files.write(file, content);
    ImageReference repository = ref("chunked/app:v1");

    assertThat(chunking.pushBlob(repository, BlobSource.ofFile(file)))
        .isEqualTo(BlobPushOutcome.UPLOADED);

    long patches =
        registry.requests().stream()
            .filter(r -> r.startsWith("PATCH /v2/chunked/app/blobs/uploads/"))
            .count();
    assertThat(patches).isEqualTo(5);
    assertThat(pull(repository, Descriptor.of("x", Digest.of(content), content.length)))
        .isEqualTo(content);
  }

  @Test
  void blobOfAnotherRepositoryIsMountedNotUploaded() throws IOException {
    BlobSource blob = BlobSource.ofBytes(randomBytes(50_000));
    client.pushBlob(ref("mount/source:v1"), blob);
    int uploadsBefore = uploadsTo("mount/target");

    BlobPushOutcome outcome = client.pushBlob(ref("mount/target:v1"), blob, "mount/source");

    assertThat(outcome).isEqualTo(BlobPushOutcome.MOUNTED);
    assertThat(uploadsTo("mount/target")).isEqualTo(uploadsBefore);
    assertThat(registry.requests())
        .anyMatch(
            r -> r.startsWith("POST /v2/mount/target/blobs/uploads/?mount=") && r.endsWith(" 201"));
    assertThat(client.checkBlob(ref("mount/target:v1"), blob.digest())).hasValue(50_000);
  }

  @Test
  void mountFromARepositoryWithoutTheBlobFallsBackToUpload() throws IOException {
    BlobSource blob = BlobSource.ofBytes(randomBytes(2000));
    BlobPushOutcome outcome = client.pushBlob(ref("fallback/target:v1"), blob, "fallback/empty");
    assertThat(outcome).isEqualTo(BlobPushOutcome.UPLOADED);
    assertThat(client.checkBlob(ref("fallback/target:v1"), blob.digest())).hasValue(2000);
  }

  @Test
  void manifestPushedByDigestOnlyHasNoTagButCanBePulled() throws IOException {
    ImageReference tagged = ref("bydigest/app:tmp");
    RawManifest manifest = pushImage(client, tagged, randomBytes(100));
    ImageReference byDigest = ref("bydigest/other@" + manifest.digest());
    // blobs first: mount them into the second repository, then the manifest by digest
    for (Descriptor layer : Manifests.layers(manifest)) {
      client.pushBlob(byDigest, BlobSource.ofBytes(pull(tagged, layer)), "bydigest/app");
    }
    client.pushBlob(
        byDigest, BlobSource.ofBytes(pull(tagged, Manifests.config(manifest))), "bydigest/app");

    assertThat(client.pushManifest(byDigest, manifest)).isEqualTo(manifest.digest());
    assertThat(client.pullManifest(byDigest)).isEqualTo(manifest);
    // distribution 2.8 knows no tags of a repository that only has untagged manifests
    assertThatThrownBy(() -> client.listTags(ref("bydigest/other:x")))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
  }

  @Test
  void indexOfTwoPlatformsRoundTrips() throws IOException {
    ImageReference amd = ref("index/app:amd64");
    ImageReference arm = ref("index/app:arm64");
    RawManifest amdManifest = pushImage(client, amd, randomBytes(300));
    RawManifest armManifest = pushImage(client, arm, randomBytes(300));
    Map<RawManifest, String> platforms = new LinkedHashMap<>();
    platforms.put(amdManifest, "linux/amd64");
    platforms.put(armManifest, "linux/arm64/v8");
    RawManifest index = Manifests.index(platforms);
    ImageReference multi = ref("index/app:multi");

    client.pushManifest(multi, index);

    RawManifest pulled = client.pullManifest(multi);
    assertThat(pulled.isIndex()).isTrue();
    assertThat(pulled.digest()).isEqualTo(index.digest());
    assertThat(Manifests.platforms(pulled)).containsExactly("linux/amd64", "linux/arm64/v8");
    assertThat(Manifests.manifests(pulled))
        .containsExactly(amdManifest.descriptor(), armManifest.descriptor());
  }

  @Test
  void listingsFollowPagination() throws IOException {
    RegistryClient paging =
        RegistryClient.builder()
            .registry(RegistryConfig.plainHttp(registry.host()))
            .pageSize(2)
            .build();
    RawManifest manifest = pushImage(client, ref("paged/app:t0"), randomBytes(10));
    for (int i = 1; i < 5; i++) {
      client.pushManifest(ref("paged/app:t" + i), manifest);
    }

    assertThat(paging.listTags(ref("paged/app:t0")))
        .containsExactlyInAnyOrder("t0", "t1", "t2", "t3", "t4");
    // distribution 2.8 ignores n for tags and answers all of them on one page; the catalog pages
    List<String> repositories = paging.listRepositories(registry.host());
    assertThat(repositories).contains("paged/app").doesNotHaveDuplicates();
    assertThat(registry.requests().stream().filter(r -> r.startsWith("GET /v2/_catalog?")))
        .hasSizeGreaterThanOrEqualTo((repositories.size() + 1) / 2)
        .anyMatch(r -> r.contains("last="));
  }

  @Test
  void missingManifestIsNotFoundAndNamesTheAction() throws IOException {
    ImageReference missing = ref("nothing/here:v1");
    assertThatThrownBy(() -> client.pullManifest(missing))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.getMessage())
                  .startsWith("pull manifest " + missing + " failed with HTTP 404")
                  .contains("MANIFEST_UNKNOWN");
            });
    assertThat(client.checkManifest(missing)).isEmpty();
  }

  @Test
  void corruptBlobInStorageFailsWithDigestMismatch() throws IOException {
    byte[] content = randomBytes(5000);
    ImageReference repository = ref("corrupt/app:v1");
    BlobSource blob = BlobSource.ofBytes(content);
    client.pushBlob(repository, blob);
    String hex = blob.digest().hex();
    Path data =
        registry
            .storageDirectory()
            .resolve(
                "docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
    byte[] corrupted = content.clone();
    corrupted[4000] ^= 1;
    Files.write(data, corrupted);

    try (InputStream in = client.openBlob(repository, blob.digest(), content.length)) {
      assertThatThrownBy(() -> in.transferTo(OutputStreamSink.NULL))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.DIGEST_MISMATCH);
                assertThat(e.getMessage())
                    .startsWith("pull blob " + blob.digest() + " from " + repository.name());
              });
    }
  }

  @Test
  void plainHttpRegistryIsNotReachedWithoutBeingConfiguredSo() throws IOException {
    RegistryClient httpsOnly = RegistryClient.builder().retryPolicy(RetryPolicy.NONE).build();
    int before = registry.requests().size();
    assertThatThrownBy(() -> httpsOnly.pullManifest(ref("roundtrip/app:v1")))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.PROTOCOL);
              assertThat(e.getMessage()).contains("https://" + registry.host());
            });
    assertThat(registry.requests()).hasSize(before);
  }

  private static int uploadsTo(String repository) throws IOException {
    return (int)
        registry.requests().stream()
            .filter(
                r ->
                    (r.startsWith("PATCH /v2/" + repository + "/blobs/uploads/")
                        || r.startsWith("PUT /v2/" + repository + "/blobs/uploads/")))
            .count();
  }

  /** Discards what it is given. */
  static final class OutputStreamSink {
    static final java.io.OutputStream NULL = java.io.OutputStream.nullOutputStream();

    private OutputStreamSink() {}
  }
}
