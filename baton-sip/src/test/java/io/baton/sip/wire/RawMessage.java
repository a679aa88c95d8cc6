package io.baton.sip.wire;

import io.baton.sip.HostPort;
import io.baton.sip.SipEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A raw SIP message read from a fixture under {@code src/test/resources/malformed/}, with its
 * placeholders filled. In {@code .sip} fixtures every line end is written CRLF on the wire (the
 * files keep LF so they stay readable); {@code .bin} fixtures are sent byte for byte.
 *
 * <p>Placeholders: {@code ${target}} the element's {@code host:port}, {@code ${sender}} the test
 * socket's, {@code ${transport}} UDP or TCP, {@code ${user}} the Request-URI user, {@code
 * ${branch}} a fresh RFC 3261 branch, {@code ${call-id}} and {@code ${tag}} fresh values, and
 * {@code ${content-length}} the length of the body (what follows the first empty line).
 */
public final class RawMessage {
  private final String name;
  private final byte[] bytes;
  private final String branch;

  private RawMessage(String name, byte[] bytes, String branch) {
    this.name = name;
    this.bytes = bytes;
    this.branch = branch;
  }

  /** Fills {@code fixture} for a message from {@code sender} to {@code target}. */
  public static RawMessage of(
      String fixture, HostPort sender, HostPort target, String transport, String user) {
    byte[] raw = read(fixture);
    String branch = SipEndpoint.newBranch();
    if (fixture.endsWith(".bin")) {
      return new RawMessage(fixture, raw, branch);
    }
    // ISO-8859-1 maps every byte to one char and back, so invalid UTF-8 in a fixture survives.
    String text = new String(raw, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
    Map<String, String> values = new HashMap<>();
    values.put("target", target.toString());
    values.put("sender", sender.toString());
    values.put("transport", transport.toUpperCase(java.util.Locale.ROOT));
    values.put("user", user);
    values.put("branch", branch);
    values.put("call-id", UUID.randomUUID() + "@" + sender.host());
    values.put("tag", SipEndpoint.newTag());
    for (Map.Entry<String, String> v : values.entrySet()) {
      text = text.replace("${" + v.getKey() + "}", v.getValue());
    }
    text = text.replace("\n", "\r\n");
    int bodyAt = text.indexOf("\r\n\r\n");
    if (bodyAt >= 0) {
      int length = text.length() - bodyAt - 4;
      text = text.replace("${content-length}", Integer.toString(length));
    }
    return new RawMessage(fixture, text.getBytes(StandardCharsets.ISO_8859_1), branch);
  }

  private static byte[] read(String fixture) {
    String path = "/malformed/" + fixture;
    try (InputStream in = RawMessage.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String name() {
    return name;
  }

  public byte[] bytes() {
    return bytes;
  }

  /** The first value of a header field as written (full name, case-insensitive); null if none. */
  public String header(String name) {
    String prefix = name.toLowerCase(java.util.Locale.ROOT) + ":";
    for (String line : new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n")) {
      if (line.isEmpty()) {
        return null;
      }
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith(prefix)) {
        return line.substring(prefix.length()).trim();
      }
    }
    return null;
  }

  /** The branch written for {@code ${branch}}: responses to this message carry it. */
  public String branch() {
    return branch;
  }

  @Override
  public String toString() {
    return name;
  }
}
