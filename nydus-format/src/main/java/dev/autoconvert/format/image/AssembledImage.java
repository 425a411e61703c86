package dev.autoconvert.format.image;

/**
 * The Nydus image made from one source manifest, ready to push: its data blobs (already pushed by
 * the caller), then {@link #config} and {@link #bootstrap}, then the manifest.
 *
 * @param manifest descriptor of {@link #manifestJson}
 * @param manifestJson the manifest bytes to push
 * @param config descriptor of {@link #configJson}
 * @param configJson the rewritten config bytes
 * @param bootstrap the bootstrap layer
 */
public record AssembledImage(
    Descriptor manifest,
    byte[] manifestJson,
    Descriptor config,
    byte[] configJson,
    BootstrapLayer bootstrap) {}
