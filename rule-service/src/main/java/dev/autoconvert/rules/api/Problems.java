package dev.autoconvert.rules.api;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** RFC 9457 problems the controllers throw; rendered by Spring MVC as application/problem+json. */
public final class Problems {
  private Problems() {}

  public static ErrorResponseException notFound(String detail) {
    return of(HttpStatus.NOT_FOUND, detail);
  }

  public static ErrorResponseException conflict(String detail) {
    return of(HttpStatus.CONFLICT, detail);
  }

  public static ErrorResponseException badRequest(String detail) {
    return of(HttpStatus.BAD_REQUEST, detail);
  }

  private static ErrorResponseException of(HttpStatus status, String detail) {
    return new ErrorResponseException(
        status, ProblemDetail.forStatusAndDetail(status, detail), null);
  }
}
