package io.baton.ua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.media.MediaClock;
import io.baton.media.PortPool;
import io.baton.media.RtpStream;
import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.SipConfig;
import io.baton.sip.SipEndpoint;
import io.baton.sip.StackMode;
import io.baton.sip.sdp.SessionDescription;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.Dialog;
import javax.sip.header.AllowHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a user agent answers to each kind of request, driven by a bare {@link SipEndpoint} peer that
 * sends exactly what a test needs (REFER, unknown methods, a re-INVITE moving the media).
 */
class UserAgentRequestsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final HostPort UA = new HostPort("127.0.0.1", 15510);
  private static final HostPort PEER = new HostPort("127.0.0.1", 15511);

  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final PortPool uaPorts = new PortPool("127.0.0.1", 43100, 43149);
  private final PortPool peerPorts = new PortPool("127.0.0.1", 43150, 43199);
  private final List<AutoCloseable> open = new ArrayList<>();
  private UserAgent ua;
  private SipEndpoint peer;

  @BeforeEach
  void start() throws Exception {
    ua =
        UserAgent.start(
            new UserAgentConfig("support", SipConfig.at(UA), Answer.AT_ONCE),
            uaPorts,
            scheduler,
            Clock.systemUTC());
    open.add(ua);
    peer = SipEndpoint.start("peer", StackMode.USER_AGENT, SipConfig.at(PEER), request -> {});
    open.add(peer);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    scheduler.shutdownNow();
  }

  private RtpStream rtp() throws Exception {
    RtpStream stream = RtpStream.open(peerPorts, new MediaClock(scheduler));
    open.add(stream);
    return stream;
  }

  private Response send(Request request, Dialog dialog) throws Exception {
    OutboundTransaction tx = peer.send(request, dialog);
    return tx.finalResponse().get(5, TimeUnit.SECONDS);
  }

  /** Calls the user agent from the peer; returns the confirmed dialog. */
  private Dialog call(RtpStream media) throws Exception {
    SessionDescription offer = AudioSdp.offer("peer", "127.0.0.1", media.localPort());
    Request invite =
        peer.request(Request.INVITE, ua.uri("support"))
            .body("application/sdp", offer.toString())
            .build();
    OutboundTransaction tx = peer.send(invite);
    Response ok = tx.finalResponse().get(5, TimeUnit.SECONDS);
    assertThat(ok.getStatusCode()).isEqualTo(200);
    peer.ack(tx.dialog(), ok);
    return tx.dialog();
  }

  private static List<String> allowed(Response response) {
    List<String> methods = new ArrayList<>();
    for (Iterator<?> it = response.getHeaders(AllowHeader.NAME); it.hasNext(); ) {
      methods.add(((AllowHeader) it.next()).getMethod());
    }
    return methods;
  }

  @Test
  void referIsRefusedWith405AndAllowInAndOutOfDialog() throws Exception {
    Dialog dialog = call(rtp());
    Request refer = dialog.createRequest(Request.REFER);
    peer.messages().setHeader(refer, "Refer-To", "<sip:agent@127.0.0.1:5131>");
    Response inDialog = send(refer, dialog);

    Request outOfDialog =
        peer.request(Request.REFER, ua.uri(null))
            .header("Refer-To", "<tel:+16465550111>")
            .header("Target-Dialog", dialog.getCallId().getCallId() + ";local-tag=a;remote-tag=b")
            .build();
    Response outside = send(outOfDialog, null);

    for (Response response : List.of(inDialog, outside)) {
      assertThat(response.getStatusCode()).isEqualTo(405);
      assertThat(allowed(response))
          .containsExactly("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "INFO");
    }
    UaCall call = ua.awaitIncoming(WAIT);
    assertThat(call.state()).isEqualTo(CallMachine.State.CONFIRMED);
    assertThat(call.inDialogRequests()).contains("REFER");
  }

  @Test
  void unknownInDialogMethodsGet501AndInfoAndOptionsAre200() throws Exception {
    Dialog dialog = call(rtp());
    assertThat(send(dialog.createRequest("FOO"), dialog).getStatusCode()).isEqualTo(501);
    assertThat(send(dialog.createRequest(Request.INFO), dialog).getStatusCode()).isEqualTo(200);
    Response options = send(peer.request(Request.OPTIONS, ua.uri(null)).build(), null);
    assertThat(options.getStatusCode()).isEqualTo(200);
    assertThat(allowed(options)).contains("INVITE", "BYE");
    UaCall call = ua.awaitIncoming(WAIT);
    // The endpoint answers a method nobody defines before the call sees it (RFC 3261 §8.2.1).
    assertThat(call.inDialogRequests()).contains("INFO").doesNotContain("FOO");
    assertThat(call.state()).isEqualTo(CallMachine.State.CONFIRMED);
  }

  @Test
  void infoDtmfRelayIsADigitAndABadOneGets400AnotherBodyType415() throws Exception {
    Dialog dialog = call(rtp());
    UaCall call = ua.awaitIncoming(WAIT);
    assertThat(
            send(info(dialog, "application", "dtmf-relay", "Signal=5\r\nDuration=160\r\n"), dialog)
                .getStatusCode())
        .isEqualTo(200);
    Response bad = send(info(dialog, "application", "dtmf-relay", "Signal=55\r\n"), dialog);
    assertThat(bad.getStatusCode()).isEqualTo(400);
    assertThat(bad.getReasonPhrase()).contains("not one digit");
    Response other = send(info(dialog, "text", "plain", "5"), dialog);
    assertThat(other.getStatusCode()).isEqualTo(415);
    assertThat(other.getHeader("Accept").toString()).contains("application/dtmf-relay");

    assertThat(call.digits()).containsExactly('5');
    assertThat(call.state()).isEqualTo(CallMachine.State.CONFIRMED);
  }

  private Request info(Dialog dialog, String type, String subtype, String body) throws Exception {
    Request info = dialog.createRequest(Request.INFO);
    peer.messages().setBody(info, type, subtype, body);
    return info;
  }

  @Test
  void aPcmaOfferIsAnsweredInPcmaAndAudioFlowsBothWaysInALaw() throws Exception {
    RtpStream media = rtp();
    media.payloadType(RtpStream.PCMA);
    SessionDescription offer =
        SessionDescription.audio(
            "peer",
            "127.0.0.1",
            media.localPort(),
            List.of(io.baton.sip.sdp.Codec.PCMA, io.baton.sip.sdp.Codec.PCMU));
    OutboundTransaction tx =
        peer.send(
            peer.request(Request.INVITE, ua.uri("support"))
                .body("application/sdp", offer.toString())
                .build());
    Response ok = tx.finalResponse().get(5, TimeUnit.SECONDS);
    peer.ack(tx.dialog(), ok);
    SessionDescription answer = SessionDescription.parse(Messages.body(ok));
    assertThat(answer.payloadTypes()).containsExactly(8);
    media.sendTo(new java.net.InetSocketAddress("127.0.0.1", answer.audioPort()));
    UaCall call = ua.awaitIncoming(WAIT);

    // Both sides measure levels after decoding A-law: a tone each way, not noise.
    await().atMost(WAIT).until(() -> media.lastLevel() > 1000 && call.rtp().lastLevel() > 1000);
    assertThat(media.lastLevel()).isLessThan(8000);
    call.hangUp();
  }

  @Test
  void anInviteWithoutAnAcceptableOfferGets488() throws Exception {
    Response noSdp = send(peer.request(Request.INVITE, ua.uri("support")).build(), null);
    String g722Only =
        SessionDescription.audio(
                "peer",
                "127.0.0.1",
                43150,
                List.of(new io.baton.sip.sdp.Codec(9, "G722/8000", null)))
            .toString();
    Response noG711 =
        send(
            peer.request(Request.INVITE, ua.uri("support"))
                .body("application/sdp", g722Only)
                .build(),
            null);
    Response garbage =
        send(
            peer.request(Request.INVITE, ua.uri("support"))
                .body("application/sdp", "hello")
                .build(),
            null);

    assertThat(noSdp.getStatusCode()).isEqualTo(488);
    assertThat(noSdp.getReasonPhrase()).contains("no SDP");
    assertThat(noG711.getStatusCode()).isEqualTo(488);
    assertThat(noG711.getReasonPhrase()).contains("no PCMU or PCMA");
    assertThat(garbage.getStatusCode()).isEqualTo(488);
    assertThat(ua.calls()).isEmpty();
    assertThat(uaPorts.inUse()).isZero();
  }

  @Test
  void aReInviteMovingTheMediaIsAnsweredWithTheSameSdpAndRtpFollows() throws Exception {
    RtpStream first = rtp();
    RtpStream second = rtp();
    Dialog dialog = call(first);
    UaCall call = ua.awaitIncoming(WAIT);
    await().atMost(WAIT).until(() -> first.packetsReceived() > 5);

    Request reInvite = dialog.createRequest(Request.INVITE);
    peer.messages()
        .setBody(
            reInvite,
            "application",
            "sdp",
            AudioSdp.offer("peer", "127.0.0.1", second.localPort()).toString());
    Response ok = send(reInvite, dialog);
    peer.ack(dialog, ok);

    assertThat(ok.getStatusCode()).isEqualTo(200);
    assertThat(Messages.body(ok)).isEqualTo(call.localSdp().toString());
    await().atMost(WAIT).until(() -> second.packetsReceived() > 5);
    long atFirst = first.packetsReceived();
    await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> second.packetsReceived() > 10);
    assertThat(first.packetsReceived()).isLessThanOrEqualTo(atFirst + 1);
    assertThat(call.remoteSdp().audioPort()).isEqualTo(second.localPort());
    assertThat(call.state()).isEqualTo(CallMachine.State.CONFIRMED);
    assertThat(call.inDialogRequests()).containsSubsequence("ACK", "INVITE", "ACK");

    assertThat(send(dialog.createRequest(Request.BYE), dialog).getStatusCode()).isEqualTo(200);
    call.awaitEnded(WAIT);
    assertThat(call.endedByRemote()).isTrue();
  }
}
