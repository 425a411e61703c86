package dev.autoconvert.cli.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoconvert.format.FormatException;
import dev.autoconvert.format.image.NydusImageAssembler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutStoreTests {
  @TempDir Path dir;

  @Test
  void manifestPushedUnderATagIsFoundByTagAndDigestAndReplacesTheOldTag() throws IOException {
    OciLayoutStore store = new OciLayoutStore(dir);
    StoredManifest first = manifest("{\"schemaVersion\":2,\"layers\":[],\"n\":1}");
    StoredManifest second = manifest("{\"schemaVersion\":2,\"layers\":[],\"n\":2}");
    store.pushManifest("v1", first);
    store.pushManifest("v1", second);
    store.pushManifest("other", first);

    assertThat(store.manifest("v1").digest()).isEqualTo(second.digest());
    assertThat(store.manifest("other").bytes()).isEqualTo(first.bytes());
    assertThat(store.manifest(first.digest()).mediaType())
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");
    assertThat(store.findManifest("missing")).isEmpty();
    assertThat(Files.readString(dir.resolve("oci-layout"))).contains("1.0.0");
    assertThat(Files.readString(dir.resolve("index.json"))).containsOnlyOnce("\"v1\"");
  }

  @Test
  void blobIsStoredOnceAndVerifiedOnReadAndWrite() throws IOException {
    OciLayoutStore store = new OciLayoutStore(dir);
    byte[] content = "layer bytes".getBytes(StandardCharsets.UTF_8);
    String digest = NydusImageAssembler.digest(content);
    assertThat(
            store.pushBlob(digest, content.length, () -> new ByteArrayInputStream(content), null))
        .isEqualTo(BlobPush.UPLOADED);
    assertThat(
            store.pushBlob(digest, content.length, () -> new ByteArrayInputStream(content), null))
        .isEqualTo(BlobPush.EXISTED);
    try (InputStream in = store.openBlob(digest, content.length)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    String wrong = NydusImageAssembler.digest(new byte[1]);
    assertThatThrownBy(
            () ->
                store.pushBlob(
                    wrong, content.length, () -> new ByteArrayInputStream(content), null))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("expected " + wrong);
    assertThat(Files.list(dir.resolve("blobs/sha256"))).hasSize(1);
  }

  private static StoredManifest manifest(String json) {
    return StoredManifest.of(
        "application/vnd.oci.image.manifest.v1+json", json.getBytes(StandardCharsets.UTF_8));
  }
}
