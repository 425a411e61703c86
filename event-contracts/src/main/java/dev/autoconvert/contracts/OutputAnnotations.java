package dev.autoconvert.contracts;

/** Annotations the workers put on every manifest and index they push: the service's signature. */
public final class OutputAnnotations {
  /**
   * The push sequence of the request a Nydus copy was made for. Workers compare it to keep push
   * order (DESIGN.md invariant 3); rule-service recognises its own output by it (invariant 5).
   */
  public static final String SEQUENCE = "dev.autoconvert.source.sequence";

  private OutputAnnotations() {}
}
