package dev.autoconvert.rules.api;

import java.util.List;

/** One page of a list: {@code {"items": [...], "page": 0, "size": 20, "total": N}}. */
public record PageView<T>(List<T> items, int page, int size, long total) {
  public static final int MAX_SIZE = 200;

  /** Checks paging parameters, naming the bad one. */
  public static void checkPaging(int page, int size) {
    if (page < 0) {
      throw Problems.badRequest("page must be 0 or more, was " + page);
    }
    if (size < 1 || size > MAX_SIZE) {
      throw Problems.badRequest("size must be from 1 to " + MAX_SIZE + ", was " + size);
    }
  }
}
