package io.baton.sip.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** A strict HEP v3 reader for tests that receive what {@code HepExporter} sends. */
public final class HepPackets {
  private HepPackets() {}

  /**
   * The chunks of one packet by type, after checking the magic {@code HEP3}, that the total length
   * is the packet's, and that every chunk is of the generic vendor (0), covers its 6-byte header,
   * stays inside the packet and appears once.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Map<Integer, byte[]> decode(ByteBuffer b) {
    byte[] magic = new byte[4];
    need(b.remaining() >= 6, "shorter than the HEP header");
    b.get(magic);
    need(new String(magic, StandardCharsets.US_ASCII).equals("HEP3"), "no HEP3 magic");
    need((b.getShort() & 0xffff) == b.limit(), "total length is not the packet's");
    Map<Integer, byte[]> chunks = new HashMap<>();
    while (b.hasRemaining()) {
      need(b.remaining() >= 6, "a chunk header cut short");
      need(b.getShort() == 0, "a chunk of another vendor");
      int type = b.getShort() & 0xffff;
      int length = b.getShort() & 0xffff;
      need(length >= 6 && length - 6 <= b.remaining(), "chunk " + type + " length " + length);
      byte[] value = new byte[length - 6];
      b.get(value);
      need(chunks.put(type, value) == null, "chunk " + type + " twice");
    }
    return chunks;
  }

  /** A chunk holding a 16-bit number. */
  public static int u16(Map<Integer, byte[]> chunks, int type) {
    return ByteBuffer.wrap(chunks.get(type)).getShort() & 0xffff;
  }

  /** A chunk holding a 32-bit number. */
  public static long u32(Map<Integer, byte[]> chunks, int type) {
    return ByteBuffer.wrap(chunks.get(type)).getInt() & 0xffffffffL;
  }

  private static void need(boolean ok, String problem) {
    if (!ok) {
      throw new IllegalArgumentException("bad HEP packet: " + problem);
    }
  }
}
