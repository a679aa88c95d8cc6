package io.baton.sip;

import java.util.Locale;

/**
 * The {@code application/dtmf-relay} body of a SIP INFO carrying one keypress, the de-facto format
 * of SIP INFO DTMF (Cisco's, which most user agents speak; RFC 6086 §9 keeps such legacy INFO
 * usages working): {@code Signal=1} and {@code Duration=160} (milliseconds), one per line.
 *
 * @param signal the digit: {@code 0-9 * # A-D}
 * @param durationMillis how long the key was held
 */
public record DtmfRelay(char signal, int durationMillis) {
  public static final String TYPE = "application";
  public static final String SUBTYPE = "dtmf-relay";

  private static final String SIGNALS = "0123456789*#ABCD";

  public DtmfRelay {
    signal = Character.toUpperCase(signal);
    if (SIGNALS.indexOf(signal) < 0) {
      throw new IllegalArgumentException("Signal '" + signal + "' is not one of 0-9 * # A-D");
    }
    if (durationMillis <= 0 || durationMillis > 10_000) {
      throw new IllegalArgumentException("Duration " + durationMillis + " is not 1..10000 ms");
    }
  }

  /** The body, e.g. {@code Signal=1\r\nDuration=160\r\n}. */
  public String body() {
    return "Signal=" + signal + "\r\nDuration=" + durationMillis + "\r\n";
  }

  /**
   * Reads a body: {@code Signal=} is required, {@code Duration=} defaults to 250 ms when absent;
   * names are case-insensitive, lines end in CRLF or LF, other lines are ignored.
   *
   * @throws IllegalArgumentException naming what is wrong: no Signal, a Signal that is not one
   *     digit, a Duration that is not a number of milliseconds
   */
  public static DtmfRelay parse(String body) {
    String signal = null;
    int duration = 250;
    for (String line : (body == null ? "" : body).lines().toList()) {
      int eq = line.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String name = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = line.substring(eq + 1).strip();
      if (name.equals("signal")) {
        signal = value;
      } else if (name.equals("duration")) {
        try {
          duration = Integer.parseInt(value);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("Duration '" + value + "' is not a number", e);
        }
      }
    }
    if (signal == null) {
      throw new IllegalArgumentException("no Signal= line");
    }
    if (signal.length() != 1) {
      throw new IllegalArgumentException("Signal '" + signal + "' is not one digit");
    }
    return new DtmfRelay(signal.charAt(0), duration);
  }
}
