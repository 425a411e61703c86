package dev.autoconvert.rules.rule;

import dev.autoconvert.contracts.ConversionOptions;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Conversion options as clients send them; omitted fields take the defaults of {@link
 * ConversionOptions#defaults()}. Also used by manual conversions.
 */
public record OptionsRequest(
    @Pattern(regexp = "zstd|lz4_block|none", message = "must be one of zstd, lz4_block, none")
        String compressor,
    @ChunkSize Integer chunkSize,
    @Pattern(regexp = "blake3|sha256", message = "must be blake3 or sha256") String digester,
    @Size(max = 32)
        List<
                @Pattern(
                    regexp = "[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?",
                    message = "must be os/arch[/variant], e.g. linux/arm64/v8")
                String>
            platforms,
    @Size(max = 256) List<@Size(min = 1, max = 4096) String> prefetchPatterns,
    Boolean withReferrer) {

  public ConversionOptions toOptions() {
    ConversionOptions defaults = ConversionOptions.defaults();
    return new ConversionOptions(
        compressor == null ? defaults.compressor() : compressor,
        chunkSize == null ? defaults.chunkSize() : chunkSize,
        digester == null ? defaults.digester() : digester,
        platforms,
        prefetchPatterns,
        withReferrer != null && withReferrer);
  }
}
