package dev.autoconvert.rules.retention;

import java.util.function.IntSupplier;

/** Deletes in batches of one transaction each, so a large backlog never makes one huge one. */
final class Batches {
  private Batches() {}

  /**
   * Runs {@code batch} (one statement outside a transaction: it commits on its own) until it
   * deletes fewer than {@code size} rows; returns how many it deleted in all.
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
}
