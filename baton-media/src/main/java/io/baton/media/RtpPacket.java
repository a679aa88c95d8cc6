package io.baton.media;

import java.nio.ByteBuffer;

/**
 * An RTP packet (RFC 3550 §5.1) without CSRCs or extensions, as Baton's endpoints send them.
 *
 * @param payloadType 7-bit payload type
 * @param marker marker bit (first packet of a talkspurt, RFC 3551 §4.1)
 * @param sequence 16-bit sequence number
 * @param timestamp 32-bit sampling timestamp
 * @param ssrc synchronisation source
 * @param payload the media bytes
 */
public record RtpPacket(
    int payloadType, boolean marker, int sequence, long timestamp, long ssrc, byte[] payload) {
  public static final int HEADER = 12;

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length);
    b.put((byte) 0x80); // version 2, no padding, no extension, no CSRC
    b.put((byte) ((marker ? 0x80 : 0) | (payloadType & 0x7f)));
    b.putShort((short) sequence);
    b.putInt((int) timestamp);
    b.putInt((int) ssrc);
    b.put(payload);
    return b.array();
  }

  /**
   * @throws IllegalArgumentException if the bytes are not an RTP version 2 packet
   */
  public static RtpPacket parse(ByteBuffer b) {
    if (b.remaining() < HEADER) {
      throw new IllegalArgumentException("RTP packet shorter than its header");
    }
    int first = b.get() & 0xff;
    if (first >> 6 != 2) {
      throw new IllegalArgumentException("not RTP version 2");
    }
    int csrcs = first & 0x0f;
    boolean extension = (first & 0x10) != 0;
    int second = b.get() & 0xff;
    int sequence = b.getShort() & 0xffff;
    long timestamp = b.getInt() & 0xffffffffL;
    long ssrc = b.getInt() & 0xffffffffL;
    if (b.remaining() < csrcs * 4) {
      throw new IllegalArgumentException("RTP packet truncated in its CSRC list");
    }
    b.position(b.position() + csrcs * 4);
    if (extension) {
      if (b.remaining() < 4) {
        throw new IllegalArgumentException("RTP packet truncated in its extension");
      }
      b.getShort();
      int words = b.getShort() & 0xffff;
      if (b.remaining() < words * 4) {
        throw new IllegalArgumentException("RTP packet truncated in its extension");
      }
      b.position(b.position() + words * 4);
    }
    int end = b.limit();
    if ((first & 0x20) != 0 && end > b.position()) {
      end -= b.get(end - 1) & 0xff; // padding count in the last byte
    }
    byte[] payload = new byte[Math.max(0, end - b.position())];
    b.get(payload);
    return new RtpPacket(second & 0x7f, (second & 0x80) != 0, sequence, timestamp, ssrc, payload);
  }
}
