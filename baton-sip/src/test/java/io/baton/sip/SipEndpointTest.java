package io.baton.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sip.Dialog;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SipEndpointTest {
  private static final HostPort UAS = new HostPort("127.0.0.1", 15061);
  private static final HostPort UAC = new HostPort("127.0.0.1", 15062);
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.CountDownLatch ringingSeen =
      new java.util.concurrent.CountDownLatch(1);

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private SipEndpoint start(HostPort at, SipHandler handler) throws Exception {
    SipEndpoint ep =
        SipEndpoint.start("test-" + at.port(), StackMode.USER_AGENT, SipConfig.at(at), handler);
    open.add(ep);
    return ep;
  }

  @Test
  void inviteIsAnsweredAcknowledgedAndHungUpOverUdp() throws Exception {
    start(
        UAS,
        req -> {
          received.add(req.method());
          switch (req.method()) {
            case Request.INVITE -> {
              req.respond(180);
              // UDP responses sent back to back may be processed out of order at the UAC:
              // answer once the 180 was seen, so the test checks delivery, not luck.
              Thread.ofVirtual()
                  .start(
                      () -> {
                        try {
                          ringingSeen.await(2, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        req.respond(200);
                      });
            }
            case Request.BYE -> req.respond(200);
            default -> {}
          }
        });
    SipEndpoint uac = start(UAC, req -> {});
    Request invite = uac.request(Request.INVITE, uac.messages().uri("bob", UAS)).build();
    List<Integer> provisional = new CopyOnWriteArrayList<>();
    OutboundTransaction tx =
        uac.send(invite)
            .onProvisional(
                r -> {
                  provisional.add(r.getStatusCode());
                  ringingSeen.countDown();
                });
    Response ok = tx.finalResponse().get(5, TimeUnit.SECONDS);
    assertThat(ok.getStatusCode()).isEqualTo(200);
    Dialog dialog = tx.dialog();
    uac.ack(dialog, ok);
    // UDP requests may be processed out of order by the stack's pool: let the ACK land first.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> received.contains(Request.ACK));
    Response byeOk =
        uac.send(dialog.createRequest(Request.BYE), dialog)
            .finalResponse()
            .get(5, TimeUnit.SECONDS);
    assertThat(byeOk.getStatusCode()).isEqualTo(200);
    assertThat(provisional).contains(180);
    assertThat(received).containsExactly(Request.INVITE, Request.ACK, Request.BYE);
  }

  @Test
  void unansweredRequestCompletesWith408OrGivenUp() throws Exception {
    SipEndpoint uac = start(UAC, req -> {});
    // nobody listens on 15069: the INVITE is given up by cancel() before Timer B
    Request invite =
        uac.request(Request.INVITE, uac.messages().uri("nobody", new HostPort("127.0.0.1", 15069)))
            .build();
    OutboundTransaction tx = uac.send(invite);
    tx.cancel();
    assertThat(tx.finalResponse().get(1, TimeUnit.SECONDS).getStatusCode()).isEqualTo(487);
  }

  @Test
  void requestsOverTcpCarryTheSourceAddress() throws Exception {
    List<java.net.InetSocketAddress> sources = new CopyOnWriteArrayList<>();
    start(
        UAS,
        req -> {
          sources.add(req.source());
          req.respond(200);
        });
    SipEndpoint uac = start(UAC, req -> {});
    javax.sip.address.SipURI target = uac.messages().uri("bob", UAS);
    target.setTransportParam("tcp");
    Response ok =
        uac.send(uac.request(Request.OPTIONS, target).build())
            .finalResponse()
            .get(5, TimeUnit.SECONDS);
    assertThat(ok.getStatusCode()).isEqualTo(200);
    assertThat(sources).hasSize(1);
    assertThat(sources.get(0).getAddress().getHostAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  void aRequestTheTrustPolicyRefusesInsideADialogLeavesItsCSeqAlone() throws Exception {
    TrustPolicy policy =
        TrustPolicy.publicMay(TrustPolicy.Permission.INVITE, TrustPolicy.Permission.IN_DIALOG);
    SipEndpoint uas =
        start(
            UAS,
            req -> {
              if (Admission.check(policy, req).isEmpty()) {
                return;
              }
              received.add(req.method());
              if (!req.method().equals(Request.ACK)) {
                req.respond(200);
              }
            });
    uas.checkTrustOnArrival(policy);
    SipEndpoint uac = start(UAC, req -> {});
    Request invite = uac.request(Request.INVITE, uac.messages().uri("bob", UAS)).build();
    OutboundTransaction tx = uac.send(invite);
    Response ok = tx.finalResponse().get(5, TimeUnit.SECONDS);
    uac.ack(tx.dialog(), ok);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> received.contains(Request.ACK));

    // A stranger who knows the dialog sends a REFER in it, far ahead in CSeq: 403, and the
    // caller's next request is still in order (RFC 3261 §12.2.2), not 500.
    try (io.baton.sip.wire.SipWire stranger = io.baton.sip.wire.SipWire.udp(UAS, "127.0.0.3")) {
      String branch = SipEndpoint.newBranch();
      stranger.send(
          ("REFER sip:bob@"
                  + UAS
                  + " SIP/2.0\r\nVia: SIP/2.0/UDP "
                  + stranger.local()
                  + ";branch="
                  + branch
                  + "\r\nMax-Forwards: 70\r\nFrom: <sip:caller@"
                  + UAC
                  + ">;tag="
                  + Messages.fromTag(invite)
                  + "\r\nTo: <sip:bob@"
                  + UAS
                  + ">;tag="
                  + ((javax.sip.header.ToHeader) ok.getHeader("To")).getTag()
                  + "\r\nCall-ID: "
                  + Messages.callId(invite)
                  + "\r\nCSeq: 9000 REFER\r\nRefer-To: <sip:attacker@127.0.0.3>"
                  + "\r\nContent-Length: 0\r\n\r\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(stranger.awaitFinal(branch, Duration.ofSeconds(5)).orElseThrow().status())
          .isEqualTo(403);
    }
    Response byeOk =
        uac.send(tx.dialog().createRequest(Request.BYE), tx.dialog())
            .finalResponse()
            .get(5, TimeUnit.SECONDS);
    assertThat(byeOk.getStatusCode()).isEqualTo(200);
    assertThat(received).containsExactly(Request.INVITE, Request.ACK, Request.BYE);
  }
}
