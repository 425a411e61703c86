/**
 * The OCI distribution client's values: {@link dev.autoconvert.oci.ImageReference} and {@link
 * dev.autoconvert.oci.Digest} (validated, with the bad input in every message), and the one error
 * type {@link dev.autoconvert.oci.RegistryException} whose {@link dev.autoconvert.oci.ErrorKind}
 * says whether retrying can help and which failure code a job reports. Manifests live in {@code
 * dev.autoconvert.oci.manifest}, the registry protocol in {@code dev.autoconvert.oci.registry}.
 */
package dev.autoconvert.oci;
