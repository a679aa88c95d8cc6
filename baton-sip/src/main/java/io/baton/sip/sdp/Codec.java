package io.baton.sip.sdp;

import java.util.Optional;

/**
 * An RTP payload format offered in SDP.
 *
 * @param payloadType RTP payload type number
 * @param encoding rtpmap value, e.g. {@code PCMU/8000}
 * @param fmtp format parameters or null
 */
public record Codec(int payloadType, String encoding, String fmtp) {
  public static final Codec PCMU = new Codec(0, "PCMU/8000", null);
  public static final Codec PCMA = new Codec(8, "PCMA/8000", null);

  /** RFC 4733 telephone-events (DTMF) on dynamic payload type 101. */
  public static final Codec TELEPHONE_EVENT = new Codec(101, "telephone-event/8000", "0-16");

  /** Encodings of the static payload types Baton meets (RFC 3551 table 4). */
  static Optional<String> staticEncoding(int payloadType) {
    return switch (payloadType) {
      case 0 -> Optional.of("PCMU/8000");
      case 8 -> Optional.of("PCMA/8000");
      case 9 -> Optional.of("G722/8000");
      case 18 -> Optional.of("G729/8000");
      default -> Optional.empty();
    };
  }
}
