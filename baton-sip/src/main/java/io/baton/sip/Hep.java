package io.baton.sip;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * HEP v3, the Homer Encapsulation Protocol: a captured packet with its addresses and time, as
 * {@code "HEP3"}, a 16-bit total length and chunks of {@code vendor(16) type(16) length(16) value},
 * every chunk's length counting its 6-byte header, all in network byte order.
 */
public final class Hep {
  /** Chunk types of the generic vendor (0). */
  public static final int IP_FAMILY = 1;

  public static final int IP_PROTOCOL = 2;
  public static final int IPV4_SOURCE = 3;
  public static final int IPV4_DESTINATION = 4;
  public static final int IPV6_SOURCE = 5;
  public static final int IPV6_DESTINATION = 6;
  public static final int SOURCE_PORT = 7;
  public static final int DESTINATION_PORT = 8;
  public static final int TIME_SECONDS = 9;
  public static final int TIME_MICROS = 10;
  public static final int PROTOCOL_TYPE = 11;
  public static final int CAPTURE_AGENT_ID = 12;
  public static final int PAYLOAD = 15;

  public static final int FAMILY_IPV4 = 2;
  public static final int FAMILY_IPV6 = 10;
  public static final int PROTOCOL_UDP = 17;
  public static final int PROTOCOL_TCP = 6;
  public static final int TYPE_SIP = 1;

  /** The most a HEP packet can hold: its length field has 16 bits. */
  static final int MAX_PACKET = 0xffff;

  private Hep() {}

  /**
   * One captured message as a HEP v3 packet.
   *
   * @throws IllegalArgumentException if it has no source or destination, or does not fit
   */
  public static byte[] encode(CapturedMessage m, int captureAgentId) {
    if (m.source() == null || m.destination() == null) {
      throw new IllegalArgumentException("no source or destination address");
    }
    InetAddress source = literal(m.source().host());
    InetAddress destination = literal(m.destination().host());
    boolean v4 = source instanceof Inet4Address && destination instanceof Inet4Address;
    if (!v4 && !(source instanceof Inet6Address && destination instanceof Inet6Address)) {
      throw new IllegalArgumentException("source and destination of different IP families");
    }
    byte[] payload = m.text().getBytes(StandardCharsets.UTF_8);
    int addressLength = v4 ? 4 : 16;
    int length =
        6 // "HEP3" + total length
            + 2 * (6 + 1) // family, protocol
            + 2 * (6 + addressLength)
            + 2 * (6 + 2) // ports
            + 2 * (6 + 4) // seconds, microseconds
            + (6 + 1) // protocol type
            + (6 + 4) // capture agent id
            + 6
            + payload.length;
    if (length > MAX_PACKET) {
      throw new IllegalArgumentException("a " + payload.length + "-byte message does not fit");
    }
    ByteBuffer b = ByteBuffer.allocate(length);
    b.put("HEP3".getBytes(StandardCharsets.US_ASCII)).putShort((short) length);
    chunk(b, IP_FAMILY, 1).put((byte) (v4 ? FAMILY_IPV4 : FAMILY_IPV6));
    chunk(b, IP_PROTOCOL, 1)
        .put((byte) ("TCP".equalsIgnoreCase(m.transport()) ? PROTOCOL_TCP : PROTOCOL_UDP));
    chunk(b, v4 ? IPV4_SOURCE : IPV6_SOURCE, addressLength).put(source.getAddress());
    chunk(b, v4 ? IPV4_DESTINATION : IPV6_DESTINATION, addressLength).put(destination.getAddress());
    chunk(b, SOURCE_PORT, 2).putShort((short) m.source().port());
    chunk(b, DESTINATION_PORT, 2).putShort((short) m.destination().port());
    chunk(b, TIME_SECONDS, 4).putInt((int) m.at().getEpochSecond());
    chunk(b, TIME_MICROS, 4).putInt(m.at().getNano() / 1000);
    chunk(b, PROTOCOL_TYPE, 1).put((byte) TYPE_SIP);
    chunk(b, CAPTURE_AGENT_ID, 4).putInt(captureAgentId);
    chunk(b, PAYLOAD, payload.length).put(payload);
    return b.array();
  }

  private static ByteBuffer chunk(ByteBuffer b, int type, int valueLength) {
    return b.putShort((short) 0).putShort((short) type).putShort((short) (6 + valueLength));
  }

  /** An IP literal as an address, never a name lookup. */
  private static InetAddress literal(String host) {
    if (!host.matches("[0-9a-fA-F:.]+")) {
      throw new IllegalArgumentException("'" + host + "' is not an IP address");
    }
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + host + "' is not an IP address", e);
    }
  }
}
