package io.baton.contract;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code X-Baton-Signature} of a transfer server's REFER (docs/security.md, "Signed REFERs"):
 *
 * <pre>
 * X-Baton-Signature: kid=k1;ts=1765152000;nonce=q3VvZ0lQbWx0bVJXa3NBUQ;mac=3y0O...(43 chars)
 * </pre>
 *
 * <ul>
 *   <li>{@code kid}: the id of the key that signed it (1 to 32 of {@code A-Z a-z 0-9 _ -});
 *   <li>{@code ts}: when it was signed, in whole seconds since 1970-01-01T00:00:00Z (at most 12
 *       digits);
 *   <li>{@code nonce}: 16 to 64 characters of base64url (RFC 4648 §5) without padding, random per
 *       REFER (16 bytes: 22 characters);
 *   <li>{@code mac}: HMAC-SHA256 (RFC 2104) under that key over the {@linkplain #canonical
 *       canonical form}, 32 bytes in base64url without padding (43 characters).
 * </ul>
 *
 * The parameters may come in any order, each exactly once; whitespace around each is ignored,
 * nothing else is forgiven (an unknown parameter is malformed, so a later version adds a new header
 * rather than changing this one).
 *
 * @param keyId {@code kid}
 * @param timestamp {@code ts}
 * @param nonce {@code nonce}
 * @param mac {@code mac}
 */
public record ReferSignature(String keyId, long timestamp, String nonce, String mac) {
  /** What the MAC covers starts with this line: it never verifies as anything else. */
  static final String VERSION = "baton-refer-v1";

  static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,12}");
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,64}");
  private static final Pattern MAC = Pattern.compile("[A-Za-z0-9_-]{43}");

  public ReferSignature {
    check("kid", keyId, KEY_ID);
    if (timestamp < 0 || timestamp > 999_999_999_999L) {
      throw new IllegalArgumentException("ts: " + timestamp + " is not 0..999999999999");
    }
    check("nonce", nonce, NONCE);
    check("mac", mac, MAC);
  }

  /**
   * Reads a header value.
   *
   * @throws IllegalArgumentException for anything but the four parameters, each once and well
   *     formed
   */
  public static ReferSignature parse(String value) {
    if (value == null) {
      throw new IllegalArgumentException("no signature");
    }
    Map<String, String> params = new HashMap<>();
    for (String part : value.split(";", -1)) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("a parameter without '='");
      }
      String name = part.substring(0, eq).strip();
      if (!name.equals("kid")
          && !name.equals("ts")
          && !name.equals("nonce")
          && !name.equals("mac")) {
        throw new IllegalArgumentException("unknown parameter");
      }
      if (params.put(name, part.substring(eq + 1).strip()) != null) {
        throw new IllegalArgumentException(name + " given twice");
      }
    }
    if (params.size() != 4) {
      throw new IllegalArgumentException("kid, ts, nonce and mac are all required");
    }
    String ts = params.get("ts");
    if (!TIMESTAMP.matcher(ts).matches()) {
      throw new IllegalArgumentException("ts: not 1 to 12 digits");
    }
    return new ReferSignature(
        params.get("kid"), Long.parseLong(ts), params.get("nonce"), params.get("mac"));
  }

  /** The header value, parameters in the order above. */
  public String format() {
    return "kid=" + keyId + ";ts=" + timestamp + ";nonce=" + nonce + ";mac=" + mac;
  }

  /**
   * What a signature is bound to, besides its own {@code ts} and {@code nonce}: the dialog the
   * REFER moves and where it sends the caller. Each element reads them from the REFER it receives:
   * the proxy from Target-Dialog (RFC 4538 §7), SBC-edge from the dialog the proxy's in-dialog
   * REFER arrives in, which is the same one.
   *
   * @param callId the dialog's Call-ID
   * @param localTag Target-Dialog {@code local-tag}: the destination side's tag
   * @param remoteTag Target-Dialog {@code remote-tag}: the caller side's tag (SBC-edge's own)
   * @param referTo the Refer-To header's value as the signer's SIP stack writes it (RFC 3515 §2.1)
   */
  public record Fields(String callId, String localTag, String remoteTag, String referTo) {
    public Fields {
      line("callId", callId);
      line("localTag", localTag);
      line("remoteTag", remoteTag);
      line("referTo", referTo);
    }

    private static void line(String name, String value) {
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException(name + ": missing");
      }
      if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
        throw new IllegalArgumentException(name + ": contains a line break");
      }
    }
  }

  /**
   * The canonical form the MAC covers, UTF-8: eight lines joined by LF (no LF after the last),
   *
   * <pre>
   * baton-refer-v1
   * REFER
   * &lt;Call-ID&gt;
   * &lt;local-tag&gt;
   * &lt;remote-tag&gt;
   * &lt;Refer-To value&gt;
   * &lt;ts&gt;
   * &lt;nonce&gt;
   * </pre>
   *
   * No field can hold a line break ({@link Fields}, the patterns above), so no two different REFERs
   * have the same form.
   */
  static byte[] canonical(Fields fields, long timestamp, String nonce) {
    String text =
        String.join(
            "\n",
            VERSION,
            "REFER",
            fields.callId(),
            fields.localTag(),
            fields.remoteTag(),
            fields.referTo(),
            Long.toString(timestamp),
            nonce);
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void check(String name, String value, Pattern pattern) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(name + ": malformed");
    }
  }
}
