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
}
