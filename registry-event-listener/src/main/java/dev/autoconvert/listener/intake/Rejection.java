package dev.autoconvert.listener.intake;

import org.springframework.http.HttpStatus;

/** A webhook answered with an error; the message is safe to return (never a token). */
class Rejection extends RuntimeException {
  enum Reason {
    UNKNOWN_REGISTRY("unknown_registry", HttpStatus.NOT_FOUND, "Unknown registry"),
    UNAUTHORIZED("unauthorized", HttpStatus.UNAUTHORIZED, "Unauthorized"),
    UNSUPPORTED_MEDIA_TYPE(
        "unsupported_media_type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    /**
     * A body over the limit is not read, so it is as unusable as a malformed one; 413 says why more
     * precisely than 400. The registry retries it like any non-2xx answer, so the limit must stay
     * far above any real envelope (one event with references is a few KiB).
     */
    TOO_LARGE("too_large", HttpStatus.CONTENT_TOO_LARGE, "Webhook body too large"),
    MALFORMED("malformed", HttpStatus.BAD_REQUEST, "Malformed webhook body"),
    KAFKA_UNAVAILABLE(
        "kafka_unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Events could not be stored");

    private final String tag;
    private final HttpStatus status;
    private final String title;

    Reason(String tag, HttpStatus status, String title) {
      this.tag = tag;
      this.status = status;
      this.title = title;
    }

    String tag() {
      return tag;
    }

    HttpStatus status() {
      return status;
    }

    String title() {
      return title;
    }
  }

  private final Reason reason;

  Rejection(Reason reason, String detail) {
    super(detail);
    this.reason = reason;
  }

  Reason reason() {
    return reason;
  }
}
