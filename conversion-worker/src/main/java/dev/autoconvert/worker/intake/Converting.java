package dev.autoconvert.worker.intake;

/** A conversion under way on one thread, registered (to be interrupted) until it is closed. */
interface Converting extends AutoCloseable {
  @Override
  void close();
}
