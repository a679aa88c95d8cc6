package io.baton.sbc;

import io.baton.sip.CallLifetime;
import io.baton.sip.Messages;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import javax.sip.header.Header;
import javax.sip.header.RequireHeader;
import javax.sip.header.SupportedHeader;
import javax.sip.message.Request;

/**
 * RFC 4028 session timers on the caller's dialog, where this SBC is the UAS: what to answer an
 * INVITE, re-INVITE or UPDATE that offers one. The caller always refreshes ({@code refresher=uac}):
 * this SBC never re-INVITEs the caller, so it grants no timer that would make it the refresher and
 * leaves {@code Session-Expires} out of its 2xx instead (the session then has no timer, RFC 4028
 * §9; {@code lifetime.maxDuration} still ends it). Plain decisions over header values.
 */
final class SessionTimer {
  static final String OPTION = "timer";
  static final String SESSION_EXPIRES = "Session-Expires";
  static final String MIN_SE = "Min-SE";

  /** 422 Session Interval Too Small (RFC 4028 §6). */
  static final int TOO_SMALL = 422;

  private static final Duration MARGIN = Duration.ofSeconds(32);

  /** What the request gets. */
  sealed interface Decision permits TooSmall, Malformed, NoTimer, Granted {}

  /** {@code 422 Session Interval Too Small} naming this SBC's {@code Min-SE} (RFC 4028 §9). */
  record TooSmall(Duration minSE) implements Decision {}

  /** A {@code Session-Expires} or {@code Min-SE} that is not delta-seconds: {@code 400}. */
  record Malformed(String reason) implements Decision {}

  /** No session timer on the dialog from now on. */
  record NoTimer() implements Decision {}

  /**
   * The caller refreshes within {@code interval}: the 2xx carries {@code Session-Expires:
   * <interval>;refresher=uac} and {@code Require: timer} (RFC 4028 §9).
   */
  record Granted(Duration interval) implements Decision {
    String headerValue() {
      return interval.toSeconds() + ";refresher=uac";
    }

    /** When this SBC hangs up if no refresh came ({@link SessionTimer#deadline}). */
    Duration deadline() {
      return SessionTimer.deadline(interval);
    }
  }

  private SessionTimer() {}

  /**
   * When the side that does not refresh gives up on a session of {@code interval}: before it
   * expires by a third of the interval or 32 seconds, whichever is less (RFC 4028 §10).
   */
  static Duration deadline(Duration interval) {
    Duration third = interval.dividedBy(3);
    return interval.minus(third.compareTo(MARGIN) < 0 ? third : MARGIN);
  }

  /** The decision for an INVITE or UPDATE from the caller. */
  static Decision of(Request request, CallLifetime lifetime) {
    return negotiate(
        Messages.headerValue(request, SESSION_EXPIRES),
        Messages.headerValue(request, MIN_SE),
        supportsTimer(request),
        lifetime);
  }

  /**
   * RFC 4028 §9 for the UAS: a requested interval below this SBC's {@code minSE} is refused (422);
   * a caller that supports timers gets the interval it asked for, cut to {@code sessionExpires} but
   * never below its own {@code Min-SE}, or {@code sessionExpires} if it asked for none; a caller
   * that does not support timers, or wants the UAS to refresh, gets no timer.
   *
   * @param sessionExpires the request's {@code Session-Expires} value, or null
   * @param minSE the request's {@code Min-SE} value, or null
   */
  static Decision negotiate(
      String sessionExpires, String minSE, boolean supportsTimer, CallLifetime lifetime) {
    Long requested;
    Long floor;
    try {
      requested = seconds(sessionExpires);
      floor = seconds(minSE);
    } catch (IllegalArgumentException e) {
      return new Malformed(e.getMessage());
    }
    if (requested != null && requested < lifetime.minSE().toSeconds()) {
      return new TooSmall(lifetime.minSE());
    }
    if (!supportsTimer || "uas".equals(refresher(sessionExpires))) {
      return new NoTimer();
    }
    long granted = lifetime.sessionExpires().toSeconds();
    if (floor != null) {
      granted = Math.max(granted, floor); // never below the caller's own Min-SE
    }
    if (requested != null) {
      granted = Math.min(granted, requested); // a UAS MUST NOT increase the interval
    }
    return new Granted(Duration.ofSeconds(granted));
  }

  /** True if the request lists {@code timer} in {@code Supported} or {@code Require}. */
  static boolean supportsTimer(Request request) {
    return hasOption(request.getHeaders(SupportedHeader.NAME))
        || hasOption(request.getHeaders(RequireHeader.NAME));
  }

  private static boolean hasOption(Iterator<?> headers) {
    while (headers.hasNext()) {
      Header h = (Header) headers.next();
      String tag =
          h instanceof SupportedHeader s
              ? s.getOptionTag()
              : h instanceof RequireHeader r ? r.getOptionTag() : null;
      if (tag != null && OPTION.equalsIgnoreCase(tag.trim())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The delta-seconds before any parameter ({@code 1800;refresher=uac} is 1800); null if absent.
   */
  private static Long seconds(String value) {
    if (value == null) {
      return null;
    }
    String number = value.split(";", 2)[0].trim();
    try {
      long seconds = Long.parseLong(number);
      if (seconds < 0) {
        throw new NumberFormatException();
      }
      return seconds;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is not delta-seconds");
    }
  }

  private static String refresher(String sessionExpires) {
    if (sessionExpires == null) {
      return null;
    }
    for (String param : sessionExpires.split(";")) {
      String[] kv = param.trim().split("=", 2);
      if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("refresher")) {
        return kv[1].trim().toLowerCase(Locale.ROOT);
      }
    }
    return null;
  }
}
