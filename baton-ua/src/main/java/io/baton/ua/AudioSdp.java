package io.baton.ua;

import io.baton.sip.Messages;
import io.baton.sip.sdp.Codec;
import io.baton.sip.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sip.message.Message;

/** The SDP a simulated endpoint speaks: one audio stream, PCMU with telephone-events (RFC 4733). */
final class AudioSdp {
  private AudioSdp() {}

  /** The offer of a call this endpoint places: PCMU (0) and telephone-event (101). */
  static SessionDescription offer(String origin, String address, int port) {
    return SessionDescription.audio(
        origin, address, port, List.of(Codec.PCMU, Codec.TELEPHONE_EVENT));
  }

  /**
   * The answer to {@code offer}: PCMU, plus telephone-event on the payload type the offerer chose
   * when it offered one (RFC 3264 §6.1: an answer lists only formats of the offer).
   */
  static SessionDescription answer(
      SessionDescription offer, String origin, String address, int port) {
    List<Codec> codecs = new ArrayList<>(List.of(Codec.PCMU));
    int pt = telephoneEvent(offer);
    if (pt >= 0) {
      codecs.add(new Codec(pt, Codec.TELEPHONE_EVENT.encoding(), Codec.TELEPHONE_EVENT.fmtp()));
    }
    return SessionDescription.audio(origin, address, port, codecs);
  }

  /** The telephone-event payload type (RFC 4733 §7.1.1) of {@code sdp}'s audio stream, or -1. */
  static int telephoneEvent(SessionDescription sdp) {
    for (int pt : sdp.payloadTypes()) {
      if (sdp.encoding(pt).orElse("").toLowerCase(Locale.ROOT).startsWith("telephone-event/8000")) {
        return pt;
      }
    }
    return -1;
  }

  /**
   * The audio description a message carries.
   *
   * @throws IllegalArgumentException saying what is wrong: no SDP body, SDP that does not parse, or
   *     no PCMU in the audio stream
   */
  static SessionDescription of(Message message) {
    if (!Messages.hasBody(message, "application", "sdp")) {
      throw new IllegalArgumentException("no SDP body");
    }
    SessionDescription sdp = SessionDescription.parse(Messages.body(message));
    if (!sdp.payloadTypes().contains(Codec.PCMU.payloadType())) {
      throw new IllegalArgumentException("no PCMU (payload type 0) in the audio stream");
    }
    return sdp;
  }
}
