/**
 * Manifests and indexes (OCI and Docker schema 2) as records, and {@link
 * dev.autoconvert.oci.manifest.RawManifest}, which keeps the exact bytes a digest was computed
 * over: read with {@code raw.manifest()} / {@code raw.index()}, write with {@code
 * RawManifest.of(record)} and push that.
 */
package dev.autoconvert.oci.manifest;
