package io.baton.app.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as configuration writes them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 12h}. */
final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private Durations() {}

  static Duration parse(String text) {
    String s = text.trim();
    Matcher m = SHORT.matcher(s);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(s);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (write e.g. 500ms, 30s, 5m, 12h)");
    }
  }
}
