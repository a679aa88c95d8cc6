package io.baton.transfer;

import java.nio.charset.StandardCharsets;

/**
 * One {@code X-Baton-Pass} header value: {@code <name>=<value>}, the value percent-encoded (RFC
 * 3986 §2.1, upper-case hex) except for ALPHA, DIGIT and {@code - . _ ~ ; = : / @}, so that no
 * comma, quote, space, {@code %} or {@code +} reaches the SIP header and any percent-decoder
 * restores the value exactly: {@code X-Agent-Id=42}, {@code
 * User-to-User=56a390f3d2b7310023a2;encoding=hex}, {@code X-Note=a%2Cb%20c}.
 */
final class PassHeader {
  private static final String KEPT = "-._~;=:/@";

  private PassHeader() {}

  static String encode(String name, String value) {
    StringBuilder out = new StringBuilder(name).append('=');
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || KEPT.indexOf(c) >= 0)) {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)));
        out.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
