package dev.autoconvert.oci.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Delays between attempts: {@code initialDelay * 2^attempt}, capped at {@code maxDelay}, with
 * "equal jitter" (half fixed, half random) so that workers that failed together do not come back
 * together. A {@code Retry-After} answer replaces the computed delay.
 */
final class Backoff {
  /** Sleeps; a test may record instead. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final DoubleSupplier random;
  private final Clock clock;

  Backoff(RetryPolicy policy, Sleeper sleeper, DoubleSupplier random, Clock clock) {
    this.policy = policy;
    this.sleeper = sleeper;
    this.random = random;
    this.clock = clock;
  }

  int maxAttempts() {
    return policy.maxAttempts();
  }

  /** The delay after failed attempt number {@code attempt} (0-based). */
  Duration delay(int attempt) {
    long initial = policy.initialDelay().toMillis();
    long max = policy.maxDelay().toMillis();
    long exponential = attempt >= 62 ? max : Math.min(max, initial << Math.min(attempt, 30));
    long half = exponential / 2;
    return Duration.ofMillis(exponential - half + (long) (random.getAsDouble() * half));
  }

  /**
   * How long to wait before the next attempt, or empty when the registry asks for longer than
   * {@code maxDelay}.
   */
  Optional<Duration> next(int attempt, String retryAfter) {
    Optional<Duration> asked = parseRetryAfter(retryAfter);
    if (asked.isPresent()) {
      return asked.get().compareTo(policy.maxDelay()) > 0 ? Optional.empty() : asked;
    }
    return Optional.of(delay(attempt));
  }

  void sleep(Duration duration) throws InterruptedException {
    if (!duration.isZero()) {
      sleeper.sleep(duration);
    }
  }

  /** {@code Retry-After} is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
  Optional<Duration> parseRetryAfter(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.trim();
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration until = Duration.between(clock.instant(), at.toInstant());
        return Optional.of(until.isNegative() ? Duration.ZERO : until);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }
}
