package io.baton.sip;

import java.util.OptionalInt;

/**
 * The {@code message/sipfrag} bodies of REFER progress NOTIFYs (RFC 3515 §2.4.5, RFC 3420): the
 * status line of the response the referred request got, e.g. {@code SIP/2.0 180 Ringing}.
 */
public final class SipFrag {
  public static final String TYPE = "message";
  public static final String SUBTYPE = "sipfrag";

  private SipFrag() {}

  /** The body for a status, e.g. {@code of(486, "Busy Here")}. */
  public static String of(int status, String reason) {
    return "SIP/2.0 " + status + " " + reason + "\r\n";
  }

  /** The status code a sipfrag body reports, if its first line is a status line. */
  public static OptionalInt status(String body) {
    if (body == null) {
      return OptionalInt.empty();
    }
    String line = body.strip().lines().findFirst().orElse("");
    String[] parts = line.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("SIP/")) {
      return OptionalInt.empty();
    }
    try {
      int code = Integer.parseInt(parts[1]);
      return code >= 100 && code <= 699 ? OptionalInt.of(code) : OptionalInt.empty();
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** The reason phrase of the status line, or empty. */
  public static String reason(String body) {
    if (body == null) {
      return "";
    }
    String line = body.strip().lines().findFirst().orElse("");
    String[] parts = line.split(" ", 3);
    return parts.length == 3 ? parts[2].trim() : "";
  }
}
