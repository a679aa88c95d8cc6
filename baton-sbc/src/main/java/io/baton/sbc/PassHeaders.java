package io.baton.sbc;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sip.header.ExtensionHeader;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The customer's own headers, which a transfer carries to its new destination (docs "Transfers that
 * always finish"): each {@code X-Baton-Pass: Name=value} names one, its value percent-encoded (RFC
 * 3986 §2.1) so that anything fits in one header. Only headers that cannot change how the leg is
 * signalled may be passed: {@code X-…} other than Baton's own {@code X-Baton-…}, and {@code
 * User-to-User} (RFC 7433). Anything else is ignored with a log line, never an error: the transfer
 * itself is still worth doing.
 */
final class PassHeaders {
  static final String HEADER = "X-Baton-Pass";
  private static final Logger LOG = LoggerFactory.getLogger(PassHeaders.class);
  private static final String USER_TO_USER = "User-to-User";
  private static final Set<String> REDIRECT_HEADERS = Set.of("diversion", "history-info");

  /** RFC 3261 §25.1 {@code token}: what a header name may be. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9.!%*_+`'~-]+");

  /** Control characters but HTAB: a decoded CR or LF would start a header of its own. */
  private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0A-\\x1F\\x7F]");

  private PassHeaders() {}

  /** The headers to pass, in the order named; what cannot be passed is logged and left out. */
  static List<HeaderField> parse(List<String> values) {
    List<HeaderField> out = new ArrayList<>();
    for (String value : values) {
      parseOne(value).ifPresent(out::add);
    }
    return List.copyOf(out);
  }

  private static Optional<HeaderField> parseOne(String raw) {
    int eq = raw.indexOf('=');
    if (eq <= 0) {
      return ignore(raw, "not Name=value");
    }
    String name = raw.substring(0, eq).trim();
    if (!TOKEN.matcher(name).matches() || !isCustomers(name)) {
      return ignore(raw, "only X-… (not X-Baton-…) and User-to-User may be passed");
    }
    String value;
    try {
      value = percentDecode(raw.substring(eq + 1).trim());
    } catch (IllegalArgumentException e) {
      return ignore(raw, e.getMessage());
    }
    if (value.isEmpty() || CONTROL.matcher(value).find()) {
      return ignore(raw, "empty, or control characters in the value");
    }
    return Optional.of(new HeaderField(name, value));
  }

  private static Optional<HeaderField> ignore(String raw, String why) {
    LOG.info("ignoring {}: {} ({})", HEADER, raw, why);
    return Optional.empty();
  }

  /**
   * The customer's headers a request arrived with, and those naming where it was redirected from
   * ({@code Diversion}, RFC 5806; {@code History-Info}, RFC 7044): what a B2BUA inside the network
   * carries onward, so they reach the destination behind it.
   */
  static List<HeaderField> carried(Request request) {
    List<HeaderField> out = new ArrayList<>();
    for (Iterator<?> names = request.getHeaderNames(); names.hasNext(); ) {
      String name = (String) names.next();
      if (!isCustomers(name) && !REDIRECT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        continue;
      }
      for (ListIterator<?> it = request.getHeaders(name); it.hasNext(); ) {
        if (it.next() instanceof ExtensionHeader header) {
          out.add(new HeaderField(header.getName(), header.getValue()));
        }
      }
    }
    return out;
  }

  /**
   * The customer's own header names: {@code X-…} but not {@code X-Baton-…}, {@code User-to-User}.
   */
  static boolean isCustomers(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return (lower.startsWith("x-") && !lower.startsWith("x-baton-"))
        || lower.equals(USER_TO_USER.toLowerCase(Locale.ROOT));
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
      int high = percent + 2 < text.length() ? Character.digit(text.charAt(percent + 1), 16) : -1;
      int low = high < 0 ? -1 : Character.digit(text.charAt(percent + 2), 16);
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
}
