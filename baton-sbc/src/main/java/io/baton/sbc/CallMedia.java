package io.baton.sbc;

import io.baton.media.MediaRelay;
import io.baton.media.RelaySession;
import io.baton.media.RelaySide;
import io.baton.sip.sdp.SdpOrigin;
import io.baton.sip.sdp.SessionDescription;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A call's media at this SBC: anchored in the relay (the caller talks to one relay port for the
 * whole call, whichever leg it is bridged to), or passed through when the SBC does not anchor.
 * Either way every SDP this SBC sends carries its own origin, one per dialog ({@link SdpOrigin}):
 * nobody sees who wrote the description behind it ({@code o=callcenter ...}). Only the call's queue
 * touches it.
 */
final class CallMedia {
  private final String callerOffer;
  private final SessionDescription callerSdp;
  private final RelaySession session;
  private final RelaySide callerSide;
  private final String address;
  private final SdpOrigin callerOrigin = newOrigin();
  private String callerAnswer;
  private Integer callerCodec;
  private int sides;

  private CallMedia(
      String callerOffer,
      SessionDescription callerSdp,
      RelaySession session,
      RelaySide callerSide,
      String address) {
    this.callerOffer = callerOffer;
    this.address = address;
    this.callerSdp = callerSdp;
    this.session = session;
    this.callerSide = callerSide;
  }

  /** SDP crosses this SBC with only its origin changed. */
  static CallMedia passThrough(String callerOffer) {
    return new CallMedia(callerOffer, null, null, null, null);
  }

  /**
   * Anchors the caller's stream: a relay side facing the caller's SDP address.
   *
   * @throws IllegalArgumentException if the caller's SDP is unusable
   * @throws IOException if no RTP port is free
   */
  static CallMedia anchored(MediaRelay relay, String label, String callerOffer) throws IOException {
    SessionDescription sdp = SessionDescription.parseOffer(callerOffer);
    RelaySession session = relay.open(label);
    try {
      RelaySide side = session.addSide("caller");
      side.expectPeer(peerOf(sdp));
      return new CallMedia(callerOffer, sdp, session, side, relay.address());
    } catch (IOException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** True if the call's RTP crosses this SBC's relay. */
  boolean anchored() {
    return session != null;
  }

  /**
   * RTP packets the relay received for this call so far, from every side still open (what tells a
   * live call from a silent one; 0 when not anchored).
   */
  long packetsReceived() {
    if (!anchored()) {
      return 0;
    }
    long packets = 0;
    for (RelaySide side : session.sides()) {
      packets += side.packetsIn();
    }
    return packets;
  }

  /**
   * The media of a new leg and the offer it gets: the caller's offer pointed at a new relay side;
   * with {@code callerCodecOnly}, narrowed to the codec the caller already uses plus
   * telephone-event, so the caller's stream can be moved to the leg without a re-INVITE.
   *
   * @throws IOException if no RTP port is free
   */
  LegMedia newLeg(boolean callerCodecOnly) throws IOException {
    if (!anchored()) {
      return new LegMedia(null, newOrigin().stamp(callerOffer));
    }
    RelaySide side = session.addSide("leg" + ++sides);
    SessionDescription offer = callerSdp;
    if (callerCodecOnly && callerCodec != null) {
      offer = offer.withPayloadTypes(callerCodecAndEvents());
    }
    return new LegMedia(
        side, newOrigin().stamp(offer.withAudioAt(address, side.localPort()).toString()));
  }

  private Set<Integer> callerCodecAndEvents() {
    Set<Integer> keep = new LinkedHashSet<>();
    keep.add(callerCodec);
    for (int pt : callerSdp.payloadTypes()) {
      if (isTelephoneEvent(callerSdp, pt)) {
        keep.add(pt);
      }
    }
    return keep;
  }

  /**
   * Follows a leg's SDP answer (183 or 2xx) and returns it as the caller must see it: pointed at
   * the caller's relay side, with this SBC's origin for the caller's dialog (its version grows only
   * when what the caller is told changes, RFC 3264 §8).
   *
   * @throws IllegalArgumentException if the leg's SDP is unusable
   */
  String forCaller(LegMedia leg, String legSdp) {
    if (!anchored()) {
      return callerOrigin.stamp(legSdp);
    }
    SessionDescription sdp = SessionDescription.parse(legSdp);
    leg.side().expectPeer(peerOf(sdp));
    return callerOrigin.stamp(sdp.withAudioAt(address, callerSide.localPort()).toString());
  }

  /**
   * Sends a leg's media where its SDP says (an answer the caller never sees, or a re-INVITE).
   *
   * @throws IllegalArgumentException if the SDP is unusable
   */
  void followLeg(LegMedia leg, String legSdp) {
    if (anchored()) {
      leg.side().expectPeer(peerOf(SessionDescription.parse(legSdp)));
    }
  }

  /**
   * Sends the caller's media where its new offer (re-INVITE) says.
   *
   * @throws IllegalArgumentException if the SDP is unusable
   */
  void followCaller(String sdp) {
    if (anchored()) {
      callerSide.expectPeer(peerOf(SessionDescription.parse(sdp)));
    }
  }

  /** Records the answer the caller got (for its re-INVITEs) and the codec it settled on. */
  void callerAnswered(String answer) {
    callerAnswer = answer;
    if (anchored()) {
      SessionDescription sdp = SessionDescription.parse(answer);
      callerCodec =
          sdp.payloadTypes().stream()
              .filter(pt -> !isTelephoneEvent(sdp, pt))
              .findFirst()
              .orElse(null);
    }
  }

  /** The SDP the caller was answered with. */
  String callerAnswer() {
    return callerAnswer;
  }

  /** Connects the caller's side to a leg's side (replacing any earlier partner). */
  void bridge(LegMedia leg) {
    if (anchored()) {
      session.bridge(callerSide, leg.side());
    }
  }

  /** Leaves the caller's side unbridged: what the caller sends is dropped for now. */
  void park() {
    if (anchored()) {
      session.unbridge(callerSide);
    }
  }

  /** Returns a leg's relay port. */
  void release(LegMedia leg) {
    if (anchored() && leg.side() != null) {
      session.closeSide(leg.side());
    }
  }

  /** Returns every port of the call. */
  void close() {
    if (anchored()) {
      session.close();
    }
  }

  /** A dialog's own origin; its session id is random (RFC 8866 §5.2 leaves the choice to us). */
  private static SdpOrigin newOrigin() {
    return new SdpOrigin(ThreadLocalRandom.current().nextLong(1, 1L << 40));
  }

  private static InetSocketAddress peerOf(SessionDescription sdp) {
    String address =
        sdp.audioAddress().orElseThrow(() -> new IllegalArgumentException("no audio address"));
    return new InetSocketAddress(address, sdp.audioPort());
  }

  private static boolean isTelephoneEvent(SessionDescription sdp, int pt) {
    return sdp.encoding(pt)
        .map(e -> e.toLowerCase(Locale.ROOT).startsWith("telephone-event/"))
        .orElse(false);
  }

  /**
   * One leg's media: its relay side (null when passing through) and the SDP it was offered, which
   * is also what it gets again if it re-INVITEs.
   */
  record LegMedia(RelaySide side, String offer) {}
}
