package io.baton.sip.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * The origin ({@code o=}) an element writes on the SDP it sends in one dialog, whoever wrote the
 * description first (RFC 8866 §5.2): username {@code -}, this element's own session id, and a
 * version that grows by one each time the description changes and stays when it does not (RFC 3264
 * §8). The session name becomes {@code s=-} (§5.3). So what a caller or carrier sees names no
 * element behind the one it talks to ({@code o=callcenter ...}), and tells changes apart as the RFC
 * says. The address of {@code o=} is the description's own connection address. Used on one dialog's
 * side from one thread at a time.
 */
public final class SdpOrigin {
  /** The username of an origin that names nobody (RFC 8866 §5.2). */
  public static final String USERNAME = "-";

  private final long sessionId;
  private long version;
  private List<String> last;

  /**
   * @param sessionId this side's session id (digits; RFC 8866 recommends an NTP-format timestamp or
   *     a random number); the first version is the same number
   */
  public SdpOrigin(long sessionId) {
    if (sessionId < 0) {
      throw new IllegalArgumentException("sessionId " + sessionId + " is negative");
    }
    this.sessionId = sessionId;
    this.version = sessionId;
  }

  /**
   * {@code sdp} with this side's origin and {@code s=-}; the version is the last one sent if the
   * rest of the description is the same as then, else one more. Text that is not SDP (no {@code o=}
   * line) comes back as it is.
   */
  public String stamp(String sdp) {
    if (sdp == null || sdp.isBlank()) {
      return sdp;
    }
    List<String> lines = new ArrayList<>(List.of(sdp.split("\r?\n")));
    lines.removeIf(String::isEmpty);
    int origin = indexOf(lines, "o=");
    if (origin < 0) {
      return sdp;
    }
    String[] o = lines.get(origin).substring(2).trim().split("\\s+");
    String addressType = o.length >= 6 ? o[4] : "IP4";
    String address = o.length >= 6 ? o[5] : "0.0.0.0";
    int connection = indexOf(lines, "c=");
    if (connection >= 0) {
      String[] c = lines.get(connection).substring(2).trim().split("\\s+");
      if (c.length >= 3) {
        addressType = c[1];
        address = c[2].contains("/") ? c[2].substring(0, c[2].indexOf('/')) : c[2];
      }
    }
    int name = indexOf(lines, "s=");
    if (name >= 0) {
      lines.set(name, "s=-");
    }
    List<String> rest = new ArrayList<>(lines);
    rest.remove(origin);
    if (last != null && !last.equals(rest)) {
      version++;
    }
    last = rest;
    lines.set(
        origin,
        "o=" + USERNAME + " " + sessionId + " " + version + " IN " + addressType + " " + address);
    return String.join("\r\n", lines) + "\r\n";
  }

  private static int indexOf(List<String> lines, String type) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(type)) {
        return i;
      }
    }
    return -1;
  }
}
