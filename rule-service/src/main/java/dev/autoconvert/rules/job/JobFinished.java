package dev.autoconvert.rules.job;

/**
 * Published, inside the transaction that records it, when a job reaches a terminal state
 * (SUCCEEDED, FAILED, SKIPPED, SUPERSEDED or CANCELLED); listeners that write in that transaction
 * commit or roll back with the job.
 *
 * @param job the job as the API shows it
 */
public record JobFinished(ConversionView job) {}
