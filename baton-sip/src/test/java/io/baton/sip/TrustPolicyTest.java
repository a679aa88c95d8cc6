package io.baton.sip;

import static io.baton.sip.TrustPolicy.Permission.INVITE;
import static io.baton.sip.TrustPolicy.Permission.INVITE_TO_DID;
import static io.baton.sip.TrustPolicy.Permission.IN_DIALOG;
import static io.baton.sip.TrustPolicy.Permission.OPTIONS;
import static io.baton.sip.TrustPolicy.Permission.OTHER;
import static io.baton.sip.TrustPolicy.Permission.REFER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.sip.TrustPolicy.Decision;
import io.baton.sip.TrustPolicy.Peer;
import io.baton.sip.TrustPolicy.PeerAddress;
import io.baton.sip.TrustPolicy.Permission;
import io.baton.sip.TrustPolicy.PublicAccess;
import io.baton.sip.TrustPolicy.Source;
import io.baton.sip.TrustPolicy.Tls;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trust policy on plain data: sources, transports and what each may ask. */
class TrustPolicyTest {
  /** SBC-edge's policy in the lab. */
  private static final TrustPolicy EDGE =
      new TrustPolicy(
          List.of(
              new Peer("proxy", "127.0.0.1:5080", REFER, IN_DIALOG, OPTIONS),
              new Peer("sbc-carrier", "127.0.0.1:5120", IN_DIALOG, OPTIONS)),
          new PublicAccess(List.of(OPTIONS, INVITE_TO_DID, IN_DIALOG)));

  /** SBC-carrier's: calls from SBC-edge only; carriers hang up in their dialogs. */
  private static final TrustPolicy CARRIER =
      new TrustPolicy(
          List.of(new Peer("sbc-edge", "127.0.0.1:5060", INVITE, IN_DIALOG, OPTIONS)),
          new PublicAccess(List.of(IN_DIALOG)));

  private static Source udp(String host, int port) {
    return new Source(new InetSocketAddress(host, port), "udp", null);
  }

  private static Source tcp(String host, int port) {
    return new Source(new InetSocketAddress(host, port), "tcp", null);
  }

  @Test
  void thePublicMayCallDidsOnlyAndPeersAddToWhatThePublicMay() {
    Decision stranger = EDGE.decide(udp("198.51.100.7", 5060), INVITE);
    assertThat(stranger.allowed()).isTrue();
    assertThat(stranger.didsOnly()).isTrue();
    assertThat(stranger.fromPeer()).isFalse();

    assertThat(EDGE.decide(udp("198.51.100.7", 5060), REFER).allowed()).isFalse();
    assertThat(EDGE.decide(udp("198.51.100.7", 5060), OPTIONS).granted()).isEqualTo(OPTIONS);

    Decision proxy = EDGE.decide(udp("127.0.0.1", 5080), REFER);
    assertThat(proxy).isEqualTo(new Decision(REFER, "proxy"));
    // A peer's list adds to the public's: the proxy may call a DID, like anyone.
    assertThat(EDGE.decide(udp("127.0.0.1", 5080), INVITE))
        .isEqualTo(new Decision(INVITE_TO_DID, "proxy"));
    assertThat(EDGE.decide(udp("127.0.0.1", 5120), REFER))
        .isEqualTo(new Decision(null, "sbc-carrier"));
  }

  @Test
  void whoMaySendInvitesMaySendTheirAckAndCancel() {
    // The redirect server's policy: SBC-edge asks, and ACKs its 302s (RFC 3261 §17.2.1).
    TrustPolicy redirect =
        new TrustPolicy(
            List.of(new Peer("sbc-edge", "127.0.0.1:5060", INVITE, OPTIONS)),
            new PublicAccess(List.of()));
    assertThat(redirect.decide(udp("127.0.0.1", 5060), "ACK", true))
        .isEqualTo(new Decision(IN_DIALOG, "sbc-edge"));
    assertThat(redirect.decide(udp("127.0.0.1", 5060), "CANCEL", false).allowed()).isTrue();
    assertThat(redirect.decide(udp("127.0.0.1", 5060), "BYE", true).allowed()).isFalse();
    assertThat(redirect.decide(udp("198.51.100.7", 5060), "ACK", true).allowed()).isFalse();
  }

  @Test
  void aFullInviteIsGrantedAsInviteAndAnUnknownSourceIsRefused() {
    assertThat(CARRIER.decide(udp("127.0.0.1", 5060), INVITE))
        .isEqualTo(new Decision(INVITE, "sbc-edge"));
    Decision toll = CARRIER.decide(udp("127.0.0.1", 40000), INVITE);
    assertThat(toll.allowed()).isFalse();
    assertThat(toll.fromPeer()).isFalse();
    // ...but a carrier may hang up a call it is in.
    assertThat(CARRIER.decide(udp("192.0.2.1", 5060), IN_DIALOG).allowed()).isTrue();
  }

  @Test
  void aPortListedPeerIsRecognisedOverUdpOnlyAnAddressListedOneOverAnyTransport() {
    // Over TCP the source port is ephemeral: 127.0.0.1:5060 over TCP is anyone on that host.
    assertThat(CARRIER.decide(tcp("127.0.0.1", 5060), INVITE).allowed()).isFalse();
    assertThat(CARRIER.decide(tcp("127.0.0.1", 41234), INVITE).allowed()).isFalse();

    TrustPolicy byAddress =
        new TrustPolicy(List.of(new Peer("sbc-edge", "10.0.0.5", INVITE)), null);
    assertThat(byAddress.decide(tcp("10.0.0.5", 41234), INVITE).allowed()).isTrue();
    assertThat(byAddress.decide(udp("10.0.0.5", 5060), INVITE).allowed()).isTrue();
    assertThat(byAddress.decide(udp("10.0.0.6", 5060), INVITE).allowed()).isFalse();
  }

  @Test
  void aTlsIdentityMustMatchOverTls() {
    TrustPolicy policy =
        new TrustPolicy(
            List.of(
                new Peer(
                    "sbc-edge",
                    PeerAddress.parse("10.0.0.5"),
                    new Tls("edge.baton.example"),
                    List.of(INVITE))),
            null);
    InetSocketAddress from = new InetSocketAddress("10.0.0.5", 40001);
    assertThat(policy.decide(new Source(from, "tls", "edge.baton.example"), INVITE).allowed())
        .isTrue();
    assertThat(policy.decide(new Source(from, "tls", "mallory.example"), INVITE).allowed())
        .isFalse();
    assertThat(policy.decide(new Source(from, "tls", null), INVITE).allowed()).isFalse();
    // Not TLS: its address is not enough (a datagram's can be forged).
    assertThat(policy.decide(new Source(from, "tcp", null), INVITE).allowed()).isFalse();
    assertThat(
            policy
                .decide(new Source(new InetSocketAddress("10.0.0.5", 5060), "udp", null), INVITE)
                .allowed())
        .isFalse();
  }

  @Test
  void requestsAskForWhatTheirMethodAndPlaceSay() {
    assertThat(Permission.of("INVITE", false)).isEqualTo(INVITE);
    assertThat(Permission.of("INVITE", true)).isEqualTo(IN_DIALOG);
    assertThat(Permission.of("REFER", true)).isEqualTo(REFER);
    assertThat(Permission.of("REFER", false)).isEqualTo(REFER);
    assertThat(Permission.of("ACK", false)).isEqualTo(IN_DIALOG);
    assertThat(Permission.of("CANCEL", false)).isEqualTo(IN_DIALOG);
    assertThat(Permission.of("BYE", true)).isEqualTo(IN_DIALOG);
    assertThat(Permission.of("OPTIONS", false)).isEqualTo(OPTIONS);
    assertThat(Permission.of("OPTIONS", true)).isEqualTo(IN_DIALOG);
    assertThat(Permission.of("MESSAGE", false)).isEqualTo(OTHER);
    assertThat(Permission.of("SUBSCRIBE", false)).isEqualTo(OTHER);
    assertThat(EDGE.decide(udp("198.51.100.7", 5060), "MESSAGE", false).allowed()).isFalse();
    assertThat(EDGE.decide(udp("198.51.100.7", 5060), "BYE", true).allowed()).isTrue();
  }

  @Test
  void nextHopsArePeersByAddressAndPort() {
    assertThat(EDGE.peerAt(new HostPort("127.0.0.1", 5080)).map(Peer::name)).contains("proxy");
    assertThat(EDGE.peerAt(new HostPort("127.0.0.1", 5130))).isEmpty();
    assertThat(TrustPolicy.none().peerAt(new HostPort("127.0.0.1", 5080))).isEmpty();
  }

  @Test
  void badEntriesAreNamed() {
    assertThatThrownBy(() -> Permission.parse("invte"))
        .hasMessage("'invte' is not invite, invite-to-did, refer, options, in-dialog or other");
    assertThat(Permission.parse("invite-to-did")).isEqualTo(INVITE_TO_DID);
    assertThat(INVITE_TO_DID.wire()).isEqualTo("invite-to-did");
    assertThatThrownBy(() -> PeerAddress.parse("no such host!"))
        .hasMessage("'no such host!' is not host or host:port");
    assertThatThrownBy(() -> new Peer(" ", PeerAddress.parse("10.0.0.1"), null, List.of()))
        .hasMessageStartingWith("name:");
    assertThatThrownBy(() -> new Peer("x", null, null, List.of()))
        .hasMessageStartingWith("address:");
    assertThatThrownBy(() -> new Tls("")).hasMessageStartingWith("tls.identity:");
    assertThatThrownBy(
            () ->
                new Peer(
                    "edge",
                    PeerAddress.parse("10.0.0.5:5061"),
                    new Tls("edge.example"),
                    List.of(INVITE)))
        .hasMessageStartingWith("address: '10.0.0.5:5061' has a port");
    assertThatThrownBy(
            () ->
                new TrustPolicy(
                    List.of(
                        new Peer("proxy", "127.0.0.1:5080"), new Peer("proxy", "127.0.0.1:5081")),
                    null))
        .hasMessage("peers[1].name: 'proxy' is listed twice");
    assertThat(EDGE.whereGranted(INVITE_TO_DID)).contains("public.may");
    assertThat(EDGE.whereGranted(REFER)).contains("peers[0].may");
    assertThat(EDGE.whereGranted(INVITE)).isEmpty();
    assertThatThrownBy(() -> EDGE.requireNoDidCheck("sbcs.sbc-dest.trust"))
        .hasMessageStartingWith("sbcs.sbc-dest.trust.public.may: invite-to-did needs the DIDs");
    CARRIER.requireNoDidCheck("sbcs.sbc-carrier.trust");
    assertThat(PeerAddress.parse("[::1]:5060").port()).isEqualTo(5060);
    assertThat(PeerAddress.parse("::1").port()).isEqualTo(PeerAddress.ANY_PORT);
  }

  @Test
  void withoutAConfigurationNobodyMayAnything() {
    for (Permission p : Permission.values()) {
      assertThat(TrustPolicy.none().decide(udp("127.0.0.1", 5060), p).allowed()).isFalse();
    }
  }
}
