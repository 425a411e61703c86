package dev.autoconvert.cli.pipeline;

import dev.autoconvert.cli.store.ImageStore;
import java.io.IOException;
import java.util.Optional;

/**
 * Source layer digest + options → Nydus blob, remembered across conversions (DESIGN.md invariant
 * 8). A hit is materialised in the target by mounting from {@link #repository()}, or else by
 * copying {@link #content}.
 */
public interface LayerCache {

  /** No cache: every layer is converted. */
  LayerCache NONE =
      new LayerCache() {
        @Override
        public Optional<CachedLayer> find(String sourceLayerDigest, ConvertOptions options) {
          return Optional.empty();
        }

        @Override
        public void store(
            String sourceLayerDigest,
            ConvertOptions options,
            CachedLayer layer,
            ImageStore holder) {}

        @Override
        public String repository() {
          return null;
        }

        @Override
        public ImageStore.Content content(CachedLayer layer) {
          throw new IllegalStateException("the empty cache has no content");
        }
      };

  Optional<CachedLayer> find(String sourceLayerDigest, ConvertOptions options) throws IOException;

  /**
   * Remembers {@code layer}, whose blob {@code holder} (a repository of the same registry) has just
   * received.
   */
  void store(String sourceLayerDigest, ConvertOptions options, CachedLayer layer, ImageStore holder)
      throws IOException;

  /** The repository cached blobs can be mounted from, or null. */
  String repository();

  /** The blob's bytes, for a target that cannot mount it. */
  ImageStore.Content content(CachedLayer layer);
}
