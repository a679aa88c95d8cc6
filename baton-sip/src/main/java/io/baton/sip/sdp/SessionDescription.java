package io.baton.sip.sdp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * An SDP body (RFC 8866) as an immutable list of lines, with the few rewrites an SBC anchoring
 * media needs: point the audio stream at another address and port, and narrow its codecs. Lines
 * Baton does not touch pass through as they came.
 */
public final class SessionDescription {
  private final List<String> lines;

  private SessionDescription(List<String> lines) {
    this.lines = List.copyOf(lines);
  }

  /**
   * @throws IllegalArgumentException if the text is not SDP (no {@code v=} line first, a line not
   *     shaped {@code x=...}, or no audio stream)
   */
  public static SessionDescription parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty SDP");
    }
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\r?\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.length() < 2 || line.charAt(1) != '=') {
        throw new IllegalArgumentException("SDP line '" + line + "' is not type=value");
      }
      lines.add(line);
    }
    if (!lines.get(0).startsWith("v=")) {
      throw new IllegalArgumentException("SDP does not start with v=");
    }
    SessionDescription sdp = new SessionDescription(lines);
    if (sdp.audioIndex() < 0) {
      throw new IllegalArgumentException("SDP has no audio stream");
    }
    sdp.audioPort();
    if (sdp.audioAddress().isEmpty()) {
      throw new IllegalArgumentException("SDP has no connection address for audio");
    }
    return sdp;
  }

  /**
   * An offer to set up a call's media: as {@link #parse}, and its audio stream not rejected. A port
   * of zero offers a stream that "MUST NOT be used" (RFC 3264 §5.1): an offer with nothing else
   * leaves nothing to anchor or answer, which an SBC refuses {@code 488} (RFC 3261 §21.4.26).
   *
   * @throws IllegalArgumentException as {@link #parse}, or if the audio port is 0
   */
  public static SessionDescription parseOffer(String text) {
    SessionDescription sdp = parse(text);
    if (sdp.audioPort() == 0) {
      throw new IllegalArgumentException("the offer's audio stream is rejected (port 0)");
    }
    return sdp;
  }

  /** A minimal offer or answer for one audio stream, e.g. from a test user agent. */
  public static SessionDescription audio(
      String origin, String address, int port, List<Codec> codecs) {
    List<String> lines = new ArrayList<>();
    long id = System.currentTimeMillis() / 1000;
    lines.add("v=0");
    lines.add("o=" + origin + " " + id + " " + id + " IN IP4 " + address);
    lines.add("s=-");
    lines.add("c=IN IP4 " + address);
    lines.add("t=0 0");
    StringBuilder m = new StringBuilder("m=audio " + port + " RTP/AVP");
    codecs.forEach(c -> m.append(' ').append(c.payloadType()));
    lines.add(m.toString());
    for (Codec c : codecs) {
      lines.add("a=rtpmap:" + c.payloadType() + " " + c.encoding());
      if (c.fmtp() != null) {
        lines.add("a=fmtp:" + c.payloadType() + " " + c.fmtp());
      }
    }
    lines.add("a=ptime:20");
    lines.add("a=sendrecv");
    return new SessionDescription(lines);
  }

  private int audioIndex() {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("m=audio ")) {
        return i;
      }
    }
    return -1;
  }

  private int audioEnd() {
    int start = audioIndex();
    for (int i = start + 1; i < lines.size(); i++) {
      if (lines.get(i).startsWith("m=")) {
        return i;
      }
    }
    return lines.size();
  }

  /** The address the audio stream is received at (media-level c= over session-level). */
  public Optional<String> audioAddress() {
    for (int i = audioIndex() + 1; i < audioEnd(); i++) {
      if (lines.get(i).startsWith("c=")) {
        return Optional.of(addressOf(lines.get(i)));
      }
    }
    for (int i = 0; i < audioIndex(); i++) {
      if (lines.get(i).startsWith("c=")) {
        return Optional.of(addressOf(lines.get(i)));
      }
    }
    return Optional.empty();
  }

  private static String addressOf(String cLine) {
    String[] parts = cLine.substring(2).trim().split("\\s+");
    if (parts.length < 3) {
      throw new IllegalArgumentException("bad connection line '" + cLine + "'");
    }
    String address = parts[2];
    int slash = address.indexOf('/');
    return slash < 0 ? address : address.substring(0, slash);
  }

  public int audioPort() {
    String[] m = mLine();
    try {
      int port = Integer.parseInt(m[1]);
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("audio port " + port + " out of range");
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad audio port in '" + lines.get(audioIndex()) + "'", e);
    }
  }

  private String[] mLine() {
    String[] m = lines.get(audioIndex()).substring(2).trim().split("\\s+");
    if (m.length < 4) {
      throw new IllegalArgumentException("bad media line '" + lines.get(audioIndex()) + "'");
    }
    return m;
  }

  /** Payload types of the audio stream in preference order. */
  public List<Integer> payloadTypes() {
    String[] m = mLine();
    List<Integer> pts = new ArrayList<>();
    for (int i = 3; i < m.length; i++) {
      try {
        pts.add(Integer.parseInt(m[i]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad payload type '" + m[i] + "'", e);
      }
    }
    return pts;
  }

  /** The encoding name of a payload type ({@code PCMU/8000}), from rtpmap or the static table. */
  public Optional<String> encoding(int payloadType) {
    String prefix = "a=rtpmap:" + payloadType + " ";
    for (int i = audioIndex() + 1; i < audioEnd(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return Optional.of(lines.get(i).substring(prefix.length()).trim());
      }
    }
    return Codec.staticEncoding(payloadType);
  }

  /** The same description with the audio stream received at {@code address:port}. */
  public SessionDescription withAudioAt(String address, int port) {
    List<String> out = new ArrayList<>(lines);
    int audio = audioIndex();
    for (int i = 0; i < out.size(); i++) {
      String line = out.get(i);
      if (line.startsWith("c=")) {
        out.set(i, "c=IN " + ipVersion(address) + " " + address);
      } else if (line.startsWith("o=")) {
        out.set(i, withOriginAddress(line, address));
      }
    }
    String[] m = mLine();
    m[1] = Integer.toString(port);
    out.set(audio, "m=" + String.join(" ", m));
    return new SessionDescription(out);
  }

  /**
   * The same description with only the given payload types in the audio stream (their rtpmap and
   * fmtp lines kept, others dropped), in the order they had.
   */
  public SessionDescription withPayloadTypes(Collection<Integer> keep) {
    List<String> out = new ArrayList<>();
    int audio = audioIndex();
    int end = audioEnd();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (i == audio) {
        String[] m = mLine();
        StringBuilder b = new StringBuilder("m=" + m[0] + " " + m[1] + " " + m[2]);
        for (int pt : payloadTypes()) {
          if (keep.contains(pt)) {
            b.append(' ').append(pt);
          }
        }
        out.add(b.toString());
      } else if (i > audio && i < end && isCodecAttribute(line) && !keep.contains(ptOf(line))) {
        continue;
      } else {
        out.add(line);
      }
    }
    return new SessionDescription(out);
  }

  private static boolean isCodecAttribute(String line) {
    return line.startsWith("a=rtpmap:") || line.startsWith("a=fmtp:");
  }

  private static int ptOf(String attribute) {
    String rest = attribute.substring(attribute.indexOf(':') + 1);
    int space = rest.indexOf(' ');
    try {
      return Integer.parseInt(space < 0 ? rest : rest.substring(0, space));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String ipVersion(String address) {
    return address.indexOf(':') >= 0 ? "IP6" : "IP4";
  }

  private static String withOriginAddress(String oLine, String address) {
    String[] o = oLine.substring(2).trim().split("\\s+");
    if (o.length < 6) {
      return oLine;
    }
    o[4] = ipVersion(address);
    o[5] = address;
    return "o=" + String.join(" ", o);
  }

  public List<String> lines() {
    return lines;
  }

  /** The SDP text, CRLF line ends (RFC 8866 §5). */
  @Override
  public String toString() {
    return String.join("\r\n", lines) + "\r\n";
  }
}
