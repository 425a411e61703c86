/**
 * Manifests as the distribution API moves them: {@link dev.autoconvert.oci.manifest.RawManifest}
 * keeps the exact bytes a digest was computed over, so a push sends what was pulled or written;
 * {@link dev.autoconvert.oci.manifest.Descriptor} names one by media type, digest and size.
 */
package dev.autoconvert.oci.manifest;
