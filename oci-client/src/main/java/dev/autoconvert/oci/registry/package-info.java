/**
 * The registry protocol. {@link dev.autoconvert.oci.registry.RegistryClient} is the one public
 * entry point (configured per registry with {@link dev.autoconvert.oci.registry.RegistryConfig});
 * each HTTP step is a small package-private {@code RegistryOperation} (BlobChecker, BlobPuller,
 * UploadInitiator, BlobChunkUploader, UploadFinisher, ManifestPuller, ManifestChecker,
 * ManifestPusher, PageLister, TokenFetcher) and the client owns authentication, redirects and
 * retries, as in Jib's registry package.
 */
package dev.autoconvert.oci.registry;
