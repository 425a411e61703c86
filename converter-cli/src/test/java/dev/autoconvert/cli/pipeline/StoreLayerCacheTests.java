package dev.autoconvert.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoconvert.cli.store.OciLayoutStore;
import dev.autoconvert.format.blob.BlobMetaFile;
import dev.autoconvert.format.convert.ConvertedLayer;
import dev.autoconvert.format.convert.LayerConverter;
import dev.autoconvert.format.image.NydusImageAssembler;
import dev.autoconvert.testsupport.registry.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreLayerCacheTests {
  @TempDir Path dir;

  @Test
  void storedLayerIsFoundWithItsTreeOnlyForTheSameSourceAndOptions() throws IOException {
    byte[] tar =
        new TarBuilder()
            .file("etc/motd", "cached\n")
            .symlink("etc/link", "motd")
            .file("bin/x", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 04755)
            .hardlink("bin/y", "bin/x")
            .build();
    ConvertOptions options = ConvertOptions.defaults();
    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    ConvertedLayer converted =
        LayerConverter.convert(new ByteArrayInputStream(tar), null, blob, options.layerOptions());
    OciLayoutStore holder = new OciLayoutStore(dir.resolve("target"));
    byte[] blobBytes = blob.toByteArray();
    holder.pushBlob(
        converted.blobDigest(), blobBytes.length, () -> new ByteArrayInputStream(blobBytes), null);

    StoreLayerCache cache = new StoreLayerCache(new OciLayoutStore(dir.resolve("cache")));
    String source = NydusImageAssembler.digest(tar);
    assertThat(cache.find(source, options)).isEmpty();
    cache.store(
        source,
        options,
        new CachedLayer(converted.blobDigest(), converted.blobSize(), converted.tree()),
        holder);

    Optional<CachedLayer> hit = cache.find(source, options);
    assertThat(hit).isPresent();
    assertThat(hit.get().blobDigest()).isEqualTo(converted.blobDigest());
    assertThat(hit.get().tree()).usingRecursiveComparison().isEqualTo(converted.tree());
    // a hit's tree must give the bootstrap layer the same blob.meta as a fresh conversion
    assertThat(BlobMetaFile.of(hit.get().tree())).isEqualTo(BlobMetaFile.of(converted.tree()));
    try (InputStream in = cache.content(hit.get()).open()) {
      assertThat(in.readAllBytes()).isEqualTo(blobBytes);
    }
    ConvertOptions other =
        new ConvertOptions(
            options.compressor(),
            options.chunkSize() * 2,
            options.digester(),
            options.platforms(),
            options.prefetchPatterns(),
            false,
            null);
    assertThat(cache.find(source, other)).isEmpty();
  }
}
