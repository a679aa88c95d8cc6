package io.baton.store;

import io.baton.routing.Numbers;
import java.util.regex.Pattern;

/** The checks seed records make, each naming the YAML key that failed. */
final class SeedCheck {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern SIP_URI = Pattern.compile("sips?:[^\\s<>\"]+");
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):([0-9]{1,5})");

  private SeedCheck() {}

  static IllegalArgumentException fail(String key, String problem) {
    return new IllegalArgumentException(key + ": " + problem);
  }

  /** Present, not blank, at most {@code max} characters. */
  static String text(String key, String value, int max) {
    if (value == null || value.isBlank()) {
      throw fail(key, "missing");
    }
    if (value.length() > max) {
      throw fail(key, "longer than " + max + " characters");
    }
    return value;
  }

  /** An identifier: letters, digits, {@code _ . -}, at most 64 characters. */
  static String name(String key, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw fail(key, "'" + value + "' is not a name (letters, digits, _ . -; at most 64)");
    }
    return value;
  }

  static String e164(String key, String value) {
    if (!Numbers.isE164(value)) {
      throw fail(key, "'" + value + "' is not an E.164 number (+ and up to 15 digits)");
    }
    return value;
  }

  static boolean isSipUri(String value) {
    return value != null && value.length() <= 255 && SIP_URI.matcher(value).matches();
  }

  /** Where a call may be sent: an E.164 number or a SIP URI. */
  static String destination(String key, String value) {
    if (!Numbers.isE164(value) && !isSipUri(value)) {
      throw fail(key, "'" + value + "' is neither an E.164 number nor a sip: URI");
    }
    return value;
  }

  /** {@code host:port} with a port in 1..65535. */
  static String hostPort(String key, String value) {
    var m = value == null || value.length() > 255 ? null : HOST_PORT.matcher(value);
    if (m == null || !m.matches()) {
      throw fail(key, "'" + value + "' is not host:port");
    }
    int port = Integer.parseInt(m.group(2));
    if (port < 1 || port > 65535) {
      throw fail(key, "port " + port + " is not in 1..65535");
    }
    return value;
  }
}
