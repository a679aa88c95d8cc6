package io.baton.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One entry of {@code X-Baton-Transfer-Fallback}, the targets a transfer tries after {@code
 * Refer-To}, in order: {@code <sip:b@host>;timeout=20, <tel:+16465550111>;timeout=30}. Each entry
 * is a URI in angle brackets with an optional {@code timeout} parameter (seconds), written like a
 * Contact (RFC 3261 §20.10); the list is comma-separated (RFC 3261 §7.3.1) and may be spread over
 * several headers. Reading it, parameter names compare case-insensitively and parameters other than
 * {@code timeout} are ignored; what the URI means is the reader's business.
 *
 * @param uri the target, e.g. {@code tel:+16465550111}
 * @param timeoutSeconds how long it may ring; empty: the reader's default
 */
public record FallbackTarget(String uri, OptionalLong timeoutSeconds) {
  private static final String TIMEOUT = "timeout";

  /** What cannot stand between angle brackets in a header. */
  private static final Pattern NOT_IN_BRACKETS = Pattern.compile("[<>\\s\\x00-\\x1F\\x7F]");

  /**
   * @throws IllegalArgumentException for an empty URI or one that could not be read back
   */
  public FallbackTarget {
    if (uri.isEmpty() || NOT_IN_BRACKETS.matcher(uri).find()) {
      throw badList();
    }
    timeoutSeconds.ifPresent(PositiveNumber::format);
  }

  /** A target with its ring time. */
  public FallbackTarget(String uri, long timeoutSeconds) {
    this(uri, OptionalLong.of(timeoutSeconds));
  }

  /** The header value for {@code targets}, in order. */
  public static String format(List<FallbackTarget> targets) {
    return targets.stream().map(FallbackTarget::format).collect(Collectors.joining(", "));
  }

  private String format() {
    return "<"
        + uri
        + ">"
        + (timeoutSeconds.isPresent()
            ? ";" + TIMEOUT + "=" + PositiveNumber.format(timeoutSeconds.getAsLong())
            : "");
  }

  /**
   * The entries of one header value, in order; empty entries (two commas) are skipped.
   *
   * @throws IllegalArgumentException {@code Bad X-Baton-Transfer-Fallback (<uri>;timeout=s, ...)}
   *     for an entry that is not a bracketed URI, {@code Bad X-Baton-Transfer-Fallback timeout
   *     (seconds, at least 1)} for a timeout that is not a positive number
   */
  public static List<FallbackTarget> parse(String value) {
    List<FallbackTarget> out = new ArrayList<>();
    for (String entry : splitList(value)) {
      out.add(parseEntry(entry));
    }
    return out;
  }

  private static FallbackTarget parseEntry(String entry) {
    int close = entry.indexOf('>');
    if (!entry.startsWith("<") || close < 0) {
      throw badList();
    }
    String timeout = null;
    for (String param : entry.substring(close + 1).split(";")) {
      int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).strip().equalsIgnoreCase(TIMEOUT)) {
        timeout = param.substring(eq + 1);
      }
    }
    return new FallbackTarget(
        entry.substring(1, close),
        timeout == null
            ? OptionalLong.empty()
            : OptionalLong.of(
                PositiveNumber.seconds(timeout, BatonHeaders.TRANSFER_FALLBACK + " timeout")));
  }

  private static IllegalArgumentException badList() {
    return new IllegalArgumentException(
        "Bad " + BatonHeaders.TRANSFER_FALLBACK + " (<uri>;timeout=s, ...)");
  }

  /**
   * A header value's comma-separated entries (RFC 3261 §7.3.1), trimmed; commas inside {@code
   * <...>} or a quoted string belong to the entry.
   */
  static List<String> splitList(String value) {
    List<String> entries = new ArrayList<>();
    boolean inAngle = false;
    boolean inQuotes = false;
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (inQuotes) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inQuotes = false;
        }
      } else if (c == '"') {
        inQuotes = true;
      } else if (c == '<') {
        inAngle = true;
      } else if (c == '>') {
        inAngle = false;
      } else if (c == ',' && !inAngle) {
        entries.add(value.substring(start, i).strip());
        start = i + 1;
      }
    }
    entries.add(value.substring(start).strip());
    return entries.stream().filter(e -> !e.isEmpty()).toList();
  }
}
