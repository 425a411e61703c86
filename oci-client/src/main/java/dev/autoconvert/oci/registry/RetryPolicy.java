package dev.autoconvert.oci.registry;

import java.time.Duration;

/**
 * Bounded exponential backoff for transient failures (429, 5xx, I/O errors): at most {@code
 * maxAttempts} tries of one replayable request, delays doubling from {@code initialDelay} up to
 * {@code maxDelay} with jitter. A {@code Retry-After} longer than {@code maxDelay} is not waited
 * for: the operation fails as unavailable and the caller decides when to come back.
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10));
  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException(
          "need 0 <= initialDelay <= maxDelay, got " + initialDelay + " and " + maxDelay);
    }
  }
}
