package dev.autoconvert.oci.registry;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A read timeout for response bodies, which {@link java.net.http.HttpClient} does not have: a read
 * that blocks longer than {@code timeout} gets its stream closed and fails with an {@link
 * IOException}, so that a stalled connection is resumed instead of hanging a conversion.
 */
final class ReadWatchdog {
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final Duration timeout;

  ReadWatchdog(Duration timeout) {
    this.timeout = timeout;
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "registry-read-watchdog");
              thread.setDaemon(true);
              return thread;
            });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  int read(InputStream in, byte[] buffer, int offset, int length) throws IOException {
    AtomicBoolean fired = new AtomicBoolean();
    ScheduledFuture<?> alarm =
        TIMER.schedule(
            () -> {
              fired.set(true);
              try {
                in.close();
              } catch (IOException ignored) {
                // closing is all we can do to unblock the reader
              }
            },
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    int n;
    try {
      n = in.read(buffer, offset, length);
    } catch (IOException e) {
      if (fired.get()) {
        throw new IOException("no data for " + timeout.toMillis() + " ms", e);
      }
      throw e;
    } finally {
      alarm.cancel(false);
    }
    if (fired.get()) {
      // a closed body may look like a normal end; it is not one
      throw new IOException("no data for " + timeout.toMillis() + " ms");
    }
    return n;
  }
}
