package io.baton.sip.wire;

import java.util.Locale;

/** A SIP response as it arrived on a raw socket: status, reason and text, nothing parsed more. */
public record WireResponse(int status, String reason, String text) {

  /** Null if {@code text} does not start with a SIP/2.0 status line. */
  static WireResponse parse(String text) {
    if (!text.startsWith("SIP/2.0 ")) {
      return null;
    }
    int lineEnd = text.indexOf("\r\n");
    String line = lineEnd < 0 ? text : text.substring(0, lineEnd);
    String[] parts = line.split(" ", 3);
    try {
      return new WireResponse(Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "", text);
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      return null;
    }
  }

  /** The first value of a header (full name, case-insensitive); null if absent. */
  public String header(String name) {
    String prefix = name.toLowerCase(Locale.ROOT) + ":";
    for (String line : text.split("\r\n")) {
      if (line.isEmpty()) {
        return null;
      }
      if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
        return line.substring(prefix.length()).trim();
      }
    }
    return null;
  }

  /** True if this answers the request sent with {@code branch} (its Via carries it). */
  public boolean answers(String branch) {
    return text.contains("branch=" + branch);
  }

  @Override
  public String toString() {
    return status + " " + reason;
  }
}
