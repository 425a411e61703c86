package dev.autoconvert.rules.rule;

import dev.autoconvert.contracts.ConversionOptions;
import jakarta.validation.constraints.AssertTrue;
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
    Integer chunkSize,
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

  static final int MIN_CHUNK = 4 * 1024;
  static final int MAX_CHUNK = 16 * 1024 * 1024;

  @AssertTrue(message = "chunkSize must be a power of two from 4096 (4 KiB) to 16777216 (16 MiB)")
  boolean isChunkSizeValid() {
    return chunkSize == null
        || (chunkSize >= MIN_CHUNK && chunkSize <= MAX_CHUNK && Integer.bitCount(chunkSize) == 1);
  }

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
