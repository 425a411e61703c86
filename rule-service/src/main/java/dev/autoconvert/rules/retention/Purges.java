package dev.autoconvert.rules.retention;

import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/** What the retention purges share: batches of one transaction each, and how a run reports. */
final class Purges {
  private Purges() {}

  /**
   * Runs {@code batch} (one statement outside a transaction: it commits on its own) until it
   * deletes fewer than {@code size} rows; returns how many it deleted in all. A large backlog so
   * never makes one huge transaction.
   */
  static long untilShort(int size, IntSupplier batch) {
    long total = 0;
    int deleted;
    do {
      deleted = batch.getAsInt();
      total += deleted;
    } while (deleted == size);
    return total;
  }

  /**
   * One scheduled run: logs what {@code purge} deleted; a failure is logged, not thrown, since the
   * next run deletes the same rows.
   */
  static void scheduled(Logger log, String rows, Duration retention, LongSupplier purge) {
    try {
      long deleted = purge.getAsLong();
      if (deleted > 0) {
        log.info("deleted {} {} older than {}", deleted, rows, retention);
      }
    } catch (RuntimeException e) {
      log.warn("purge of {} failed, old ones are deleted next time: {}", rows, e.toString());
    }
  }
}
