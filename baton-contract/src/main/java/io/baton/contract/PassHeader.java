package io.baton.contract;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One of the customer's headers a transfer carries to its new destination, as one {@code
 * X-Baton-Pass} value: {@code Name=value}, the value percent-encoded (RFC 3986 §2.1, upper-case
 * hex) except for ALPHA, DIGIT and {@code - . _ ~ ; = : / @}, so that no comma, quote, space,
 * {@code %} or {@code +} reaches the SIP header and anything fits in one: {@code X-Agent-Id=42},
 * {@code User-to-User=56a390f3d2b7310023a2;encoding=hex}, {@code X-Note=a%2Cb%20c}.
 *
 * <p>Only headers that cannot change how a leg is signalled may be passed ({@link #mayPass}); the
 * value must not be empty nor hold control characters other than HTAB (a decoded CR or LF would
 * start a header of its own). A record that exists obeys both, so whatever {@link #format} writes,
 * {@link #parse} reads back as it was.
 *
 * @param name the header's name, e.g. {@code X-Agent-Id}
 * @param value its value as the destination receives it
 */
public record PassHeader(String name, String value) {
  private static final String USER_TO_USER = "User-to-User";

  /** RFC 3261 §25.1 {@code token}: what a header name may be. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9.!%*_+`'~-]+");

  /** Control characters but HTAB. */
  private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0A-\\x1F\\x7F]");

  /** Written as they are; every other byte of the value's UTF-8 becomes {@code %XX}. */
  private static final String UNRESERVED = "-._~;=:/@";

  /**
   * @throws IllegalArgumentException for a name that may not be passed, an empty value or one with
   *     control characters
   */
  public PassHeader {
    checkName(name);
    if (value.isEmpty() || CONTROL.matcher(value).find()) {
      throw new IllegalArgumentException("empty, or control characters in the value");
    }
  }

  /**
   * The customer's own header names: {@code X-…} other than Baton's own {@code X-Baton-…}, and
   * {@code User-to-User} (RFC 7433), in any case. A B2BUA carries these on; a transfer may pass
   * them.
   */
  public static boolean isCustomers(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return (lower.startsWith("x-") && lower.length() > 2 && !BatonHeaders.isBaton(name))
        || lower.equals(USER_TO_USER.toLowerCase(Locale.ROOT));
  }

  /** True if a header of this name may be passed: a customer's header and a well-formed name. */
  public static boolean mayPass(String name) {
    return TOKEN.matcher(name).matches() && isCustomers(name);
  }

  /** The {@code X-Baton-Pass} value: {@code Name=percent-encoded value}. */
  public String format() {
    StringBuilder out = new StringBuilder(name).append('=');
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || UNRESERVED.indexOf(c) >= 0)) {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)));
        out.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /**
   * Reads one {@code X-Baton-Pass} value; whitespace around the name and the value is ignored.
   *
   * @throws IllegalArgumentException why it cannot be passed (not {@code Name=value}, a name that
   *     may not be passed, broken {@code %}-encoding, bytes that are not UTF-8, an empty value or
   *     control characters)
   */
  public static PassHeader parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("not Name=value");
    }
    String name = text.substring(0, eq).strip();
    checkName(name);
    return new PassHeader(name, percentDecode(text.substring(eq + 1).strip()));
  }

  private static void checkName(String name) {
    if (!mayPass(name)) {
      throw new IllegalArgumentException("only X-… (not X-Baton-…) and User-to-User may be passed");
    }
  }

  /**
   * {@code %XX} sequences to the UTF-8 text they encode; everything else, {@code +} included, is
   * taken as it is (RFC 3986 percent-encoding, not HTML forms).
   *
   * @throws IllegalArgumentException for a broken {@code %} sequence or bytes that are not UTF-8
   */
  static String percentDecode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int at = 0;
    while (at < text.length()) {
      int percent = text.indexOf('%', at);
      int plainEnd = percent < 0 ? text.length() : percent;
      bytes.writeBytes(text.substring(at, plainEnd).getBytes(StandardCharsets.UTF_8));
      if (percent < 0) {
        break;
      }
      int high = percent + 2 < text.length() ? hex(text.charAt(percent + 1)) : -1;
      int low = high < 0 ? -1 : hex(text.charAt(percent + 2));
      if (low < 0) {
        throw new IllegalArgumentException("broken %-encoding");
      }
      bytes.write(high * 16 + low);
      at = percent + 3;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("%-encoded bytes are not UTF-8");
    }
  }

  /** An ASCII hex digit's value (RFC 3986 §2.1 {@code HEXDIG}), else -1. */
  private static int hex(char c) {
    return c < 0x80 ? Character.digit(c, 16) : -1;
  }
}
