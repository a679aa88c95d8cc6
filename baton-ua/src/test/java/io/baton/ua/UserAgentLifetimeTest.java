package io.baton.ua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.media.MediaClock;
import io.baton.media.PortPool;
import io.baton.media.RtpStream;
import io.baton.sip.CallLifetime;
import io.baton.sip.HostPort;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.SipConfig;
import io.baton.sip.SipEndpoint;
import io.baton.sip.StackMode;
import io.baton.sip.sdp.SessionDescription;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An endpoint's answered calls end by themselves when the peer goes silent (docs "Call lifetimes"):
 * a bare {@link SipEndpoint} peer that skips the ACK, sends no RTP or simply stays, against an
 * endpoint with lifetimes of a second or two.
 */
class UserAgentLifetimeTest {
  private static final HostPort UA = new HostPort("127.0.0.1", 15512);
  private static final HostPort PEER = new HostPort("127.0.0.1", 15513);
  private static final CallLifetime SHORT =
      new CallLifetime(
          Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(1), null, null, null);

  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final PortPool uaPorts = new PortPool("127.0.0.1", 43200, 43249);
  private final PortPool peerPorts = new PortPool("127.0.0.1", 43250, 43299);
  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<String> peerReceived = new CopyOnWriteArrayList<>();
  private UserAgent ua;
  private SipEndpoint peer;

  @BeforeEach
  void start() throws Exception {
    ua =
        UserAgent.start(
            new UserAgentConfig("callcenter", SipConfig.at(UA), Answer.AT_ONCE, SHORT),
            uaPorts,
            scheduler,
            Clock.systemUTC());
    open.add(ua);
    peer =
        SipEndpoint.start(
            "peer",
            StackMode.USER_AGENT,
            SipConfig.at(PEER),
            request -> {
              peerReceived.add(request.method());
              if (Request.BYE.equals(request.method())) {
                request.respond(Response.OK);
              }
            });
    open.add(peer);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    scheduler.shutdownNow();
  }

  /** The peer's call: its RTP stream and the user agent's answer. */
  private record PeerCall(RtpStream rtp, OutboundTransaction invite, Response ok) {}

  private PeerCall call(boolean ack) throws Exception {
    RtpStream rtp = RtpStream.open(peerPorts, new MediaClock(scheduler));
    open.add(rtp);
    SessionDescription offer = AudioSdp.offer("peer", "127.0.0.1", rtp.localPort());
    Request invite =
        peer.request(Request.INVITE, ua.uri("callcenter"))
            .body("application/sdp", offer.toString())
            .build();
    OutboundTransaction tx = peer.send(invite);
    Response ok = tx.finalResponse().get(5, TimeUnit.SECONDS);
    assertThat(ok.getStatusCode()).isEqualTo(200);
    if (ack) {
      peer.ack(tx.dialog(), ok);
    }
    return new PeerCall(rtp, tx, ok);
  }

  private UaCall awaitEndedByItself(Duration within) throws Exception {
    UaCall call = ua.awaitIncoming(Duration.ofSeconds(5));
    call.awaitEnded(within);
    assertThat(call.endedByRemote()).as("the endpoint hung up, not the peer").isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> peerReceived.contains(Request.BYE));
    assertThat(uaPorts.inUse()).as("RTP port back in the pool").isZero();
    return call;
  }

  @Test
  void anAnswerNeverAckedIsHungUpAndItsRtpPortFreed() throws Exception {
    call(false);
    UaCall call = awaitEndedByItself(Duration.ofSeconds(5));
    assertThat(call.history())
        .containsExactly(
            CallMachine.State.INCOMING, CallMachine.State.ANSWERED, CallMachine.State.ENDED);
  }

  @Test
  void aPeerThatSendsNoRtpIsHungUp() throws Exception {
    call(true); // ACKed, but its stream never starts
    UaCall call = awaitEndedByItself(Duration.ofSeconds(5));
    assertThat(call.history()).contains(CallMachine.State.CONFIRMED);
    assertThat(call.rtp().packetsReceived()).isZero();
  }

  @Test
  void aCallWithRtpFlowingLastsUntilItsMaximumDuration() throws Exception {
    PeerCall peerCall = call(true);
    SessionDescription answer = AudioSdp.of(peerCall.ok());
    peerCall
        .rtp()
        .sendTo(new InetSocketAddress(answer.audioAddress().orElseThrow(), answer.audioPort()));

    UaCall call = awaitEndedByItself(Duration.ofSeconds(6));
    Duration lasted = Duration.between(call.answeredAt(), call.endedAt());
    assertThat(lasted).isBetween(Duration.ofMillis(2900), Duration.ofSeconds(5));
    assertThat(call.rtp().packetsReceived()).isGreaterThan(50);
  }
}
