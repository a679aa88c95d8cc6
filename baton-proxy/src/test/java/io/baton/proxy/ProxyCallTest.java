package io.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.contract.BatonHeaders;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.PeerNames;
import io.baton.sip.PrefixRoute;
import io.baton.sip.SipConfig;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Calls through the proxy over real UDP on loopback: SBC-edge (caller) → proxy → SBC-dest. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyCallTest {
  private static final HostPort PROXY = new HostPort("127.0.0.1", 15200);
  private static final int CALLER_PORT = 15201;
  private static final int CALLEE_PORT = 15202;
  private static final String NUMBER = "+13125550100";

  private final RecordingRegistry registry = new RecordingRegistry();
  private ScheduledExecutorService scheduler;
  private ProxyServer proxy;
  private TestUa caller;
  private TestUa callee;
  private TestUa stranger;

  @BeforeAll
  void start() throws Exception {
    scheduler = Executors.newSingleThreadScheduledExecutor();
    caller = TestUa.start("sbc-edge", CALLER_PORT);
    callee = TestUa.start("sbc-dest", CALLEE_PORT);
    stranger = TestUa.start("stranger", 15203);
    ProxyConfig config =
        new ProxyConfig(
            SipConfig.at(PROXY),
            List.of(new PrefixRoute("+1312555", callee.address())),
            Calls.neighbours(caller, callee),
            null);
    proxy =
        ProxyServer.start(
            "proxy",
            config,
            registry,
            new PeerNames(Map.of("sbc-dest", callee.address())),
            Clock.systemUTC(),
            scheduler);
  }

  @AfterAll
  void stop() {
    proxy.close();
    caller.close();
    callee.close();
    stranger.close();
    scheduler.shutdownNow();
  }

  @BeforeEach
  void reset() {
    caller.reset();
    callee.reset();
    stranger.reset();
  }

  @Test
  void onlyItsNeighboursReachTheCalleeAStrangerGets403AndLeavesNoTrace() throws Exception {
    int dialogs = proxy.dialogs();
    Request invite = Calls.invite(stranger, PROXY, NUMBER).build();
    Response refused = stranger.sendAndWait(invite);
    assertThat(refused.getStatusCode()).isEqualTo(Response.FORBIDDEN);

    // Dressed up as a request in a dialog, routed through the proxy to the callee: refused too.
    Request bye =
        stranger
            .endpoint
            .request(Request.BYE, stranger.endpoint.messages().uri(NUMBER, callee.address()))
            .header("Route", "<sip:" + PROXY + ";lr>")
            .build();
    ((ToHeader) bye.getHeader(ToHeader.NAME)).setTag("forged");
    assertThat(stranger.sendAndWait(bye).getStatusCode()).isEqualTo(Response.FORBIDDEN);

    assertThat(callee.methods()).isEmpty();
    assertThat(registry.history(Messages.callId(invite))).isEmpty();
    assertThat(proxy.dialogs()).isEqualTo(dialogs);
  }

  @Test
  void callIsRecordRoutedAndTheCallerHangsUp() throws Exception {
    Request invite =
        Calls.invite(caller, PROXY, NUMBER)
            .header(BatonHeaders.CALL_ID, "c-00000000000000a1")
            .build();
    List<Integer> provisional = new CopyOnWriteArrayList<>();
    // The callee answers once the caller saw its 180: the proxy may relay two back-to-back
    // responses in either order, and a UAC drops a 1xx that comes after the 2xx.
    callee.behave(
        r -> {
          if (!Request.INVITE.equals(r.method())) {
            callee.answerLikeAPhone(r);
            return;
          }
          r.respond(Response.RINGING);
          CompletableFuture.runAsync(
              () -> {
                await().atMost(TestUa.WAIT).until(() -> provisional.contains(180));
                r.respond(Response.OK);
              });
        });
    OutboundTransaction tx =
        caller.endpoint.send(invite).onProvisional(r -> provisional.add(r.getStatusCode()));
    Response ok = tx.finalResponse().get(5, TimeUnit.SECONDS);
    assertThat(ok.getStatusCode()).isEqualTo(200);
    assertThat(provisional).contains(180);
    assertThat(Messages.headerValue(ok, RecordRouteHeader.NAME))
        .isEqualTo("<sip:127.0.0.1:15200;lr>");

    InboundRequest forwarded = callee.awaitRequest(Request.INVITE);
    Request atCallee = forwarded.request();
    assertThat(atCallee.getRequestURI().toString()).isEqualTo("sip:" + NUMBER + "@127.0.0.1:15202");
    assertThat(topVia(atCallee)).isEqualTo(PROXY);
    assertThat(((MaxForwardsHeader) atCallee.getHeader(MaxForwardsHeader.NAME)).getMaxForwards())
        .isEqualTo(69);
    assertThat(Messages.headerValue(atCallee, RecordRouteHeader.NAME))
        .isEqualTo("<sip:127.0.0.1:15200;lr>");

    caller.endpoint.ack(tx.dialog(), ok);
    assertThat(callee.awaitRequest(Request.ACK).dialog()).isSameAs(forwarded.dialog());
    assertThat(proxy.dialogs()).isEqualTo(1);

    Response infoOk = caller.sendAndWait(tx.dialog().createRequest(Request.INFO), tx.dialog());
    assertThat(infoOk.getStatusCode()).isEqualTo(200);
    InboundRequest info = callee.awaitRequest(Request.INFO);
    assertThat(info.dialog()).isSameAs(forwarded.dialog());
    assertThat(topVia(info.request())).isEqualTo(PROXY);

    Response byeOk = caller.sendAndWait(tx.dialog().createRequest(Request.BYE), tx.dialog());
    assertThat(byeOk.getStatusCode()).isEqualTo(200);
    assertThat(topVia(callee.awaitRequest(Request.BYE).request())).isEqualTo(PROXY);
    await().atMost(TestUa.WAIT).until(() -> proxy.dialogs() == 0);

    String sipCallId = Messages.callId(ok);
    await()
        .atMost(TestUa.WAIT)
        .untilAsserted(
            () ->
                assertThat(registry.history(sipCallId))
                    .containsExactly(
                        LegState.TRYING, LegState.RINGING, LegState.ACTIVE, LegState.RELEASED));
    Leg leg = registry.latest(sipCallId).orElseThrow();
    assertThat(leg.id()).matches("l-[0-9a-f]{16}");
    assertThat(leg.callId()).isEqualTo("c-00000000000000a1");
    assertThat(leg.element()).isEqualTo("proxy");
    assertThat(leg.peer()).isEqualTo("sbc-dest");
    assertThat(leg.holder()).isEqualTo("127.0.0.1:15200");
    assertThat(leg.uacTag()).isEqualTo(Messages.fromTag(ok));
    assertThat(leg.uasTag()).isEqualTo(Messages.toTag(ok));
    assertThat(leg.endedAt()).isNotNull();
    assertThat(registry.find("c-00000000000000a1").orElseThrow().legs()).hasSize(1);
  }

  @Test
  void calleeHangsUpThroughTheProxy() throws Exception {
    Calls.Established call =
        Calls.establish(caller, callee, Calls.invite(caller, PROXY, NUMBER).build());

    Response byeOk =
        callee.sendAndWait(call.calleeDialog().createRequest(Request.BYE), call.calleeDialog());

    assertThat(byeOk.getStatusCode()).isEqualTo(200);
    InboundRequest bye = caller.awaitRequest(Request.BYE);
    assertThat(bye.dialog()).isSameAs(call.callerDialog());
    assertThat(topVia(bye.request())).isEqualTo(PROXY);
    await().atMost(TestUa.WAIT).until(() -> proxy.dialogs() == 0);
    await()
        .atMost(TestUa.WAIT)
        .until(
            () ->
                registry.latest(call.sipCallId()).map(Leg::state).orElse(null)
                    == LegState.RELEASED);
    // Without X-Baton-Call-Id the SIP Call-ID stands for the Baton call id.
    assertThat(registry.latest(call.sipCallId()).orElseThrow().callId())
        .isEqualTo(call.sipCallId());
  }

  @Test
  void cancelBeforeTheAnswerEndsWith487() throws Exception {
    callee.behave(
        r -> {
          switch (r.method()) {
            case Request.INVITE -> r.respond(Response.RINGING);
            case Request.CANCEL -> callee.answerCancel(r);
            default -> callee.answerLikeAPhone(r);
          }
        });
    List<Integer> provisional = new CopyOnWriteArrayList<>();
    OutboundTransaction tx =
        caller
            .endpoint
            .send(Calls.invite(caller, PROXY, NUMBER).build())
            .onProvisional(r -> provisional.add(r.getStatusCode()));
    await().atMost(TestUa.WAIT).until(() -> provisional.contains(180));

    Response cancelOk = caller.sendAndWait(tx.transaction().createCancel());

    assertThat(cancelOk.getStatusCode()).isEqualTo(200);
    assertThat(tx.finalResponse().get(5, TimeUnit.SECONDS).getStatusCode()).isEqualTo(487);
    callee.awaitRequest(Request.CANCEL);
    String sipCallId = Messages.callId(tx.request());
    await()
        .atMost(TestUa.WAIT)
        .untilAsserted(
            () ->
                assertThat(registry.history(sipCallId))
                    .containsExactly(LegState.TRYING, LegState.RINGING, LegState.FAILED));
    assertThat(registry.latest(sipCallId).orElseThrow().sipStatus()).isEqualTo(487);
    assertThat(proxy.dialogs()).isZero();
  }

  @Test
  void cancelBeforeTheCalleeSideAnsweredAnythingWaitsForItsFirstResponse() throws Exception {
    // The callee's stack sends 100 Trying after 200 ms; the proxy may CANCEL only then (§9.1).
    callee.behave(
        r -> {
          switch (r.method()) {
            case Request.INVITE -> {}
            case Request.CANCEL -> callee.answerCancel(r);
            default -> callee.answerLikeAPhone(r);
          }
        });
    List<Integer> provisional = new CopyOnWriteArrayList<>();
    OutboundTransaction tx =
        caller
            .endpoint
            .send(Calls.invite(caller, PROXY, NUMBER).build())
            .onProvisional(r -> provisional.add(r.getStatusCode()));
    await().atMost(TestUa.WAIT).until(() -> provisional.contains(100));

    caller.sendAndWait(tx.transaction().createCancel());

    assertThat(tx.finalResponse().get(5, TimeUnit.SECONDS).getStatusCode()).isEqualTo(487);
    assertThat(callee.methods()).containsExactly(Request.INVITE, Request.CANCEL);
  }

  @Test
  void numberWithoutRouteGets404() throws Exception {
    Response response = caller.sendAndWait(Calls.invite(caller, PROXY, "+4930123456").build());

    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(response.getReasonPhrase()).isEqualTo("No Route");
    assertThat(callee.methods()).isEmpty();
  }

  @Test
  void maxForwardsZeroGets483() throws Exception {
    Request invite = Calls.invite(caller, PROXY, NUMBER).build();
    ((MaxForwardsHeader) invite.getHeader(MaxForwardsHeader.NAME)).setMaxForwards(0);

    assertThat(caller.sendAndWait(invite).getStatusCode()).isEqualTo(483);
    assertThat(callee.methods()).isEmpty();
  }

  @Test
  void requestThatAlreadyPassedTheProxyGets482() throws Exception {
    Request invite = Calls.invite(caller, PROXY, NUMBER).build();
    invite.addLast(
        caller
            .endpoint
            .headerFactory()
            .createViaHeader("127.0.0.1", 15200, "udp", "z9hG4bK-earlier"));

    assertThat(caller.sendAndWait(invite).getStatusCode()).isEqualTo(482);
    assertThat(callee.methods()).isEmpty();
  }

  @Test
  void retransmitted2xxCrossesTheProxyStatelessly() throws Exception {
    OutboundTransaction tx = caller.endpoint.send(Calls.invite(caller, PROXY, NUMBER).build());
    Response ok = tx.finalResponse().get(5, TimeUnit.SECONDS);

    // No ACK yet: the callee side retransmits its 200 (RFC 3261 §13.3.1.4), and the proxy, whose
    // client transaction ended with the first one, relays each retransmission on its own.
    await()
        .atMost(TestUa.WAIT)
        .until(() -> caller.strays().stream().anyMatch(r -> r.getStatusCode() == 200));
    Response again = caller.strays().get(0);
    assertThat(Messages.toTag(again)).isEqualTo(Messages.toTag(ok));
    assertThat(again.getHeader(ViaHeader.NAME).toString()).doesNotContain(":15200");

    caller.endpoint.ack(tx.dialog(), ok);
    callee.awaitRequest(Request.ACK);
    caller.sendAndWait(tx.dialog().createRequest(Request.BYE), tx.dialog());
  }

  private static HostPort topVia(Request request) {
    ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
    return new HostPort(via.getHost(), via.getPort());
  }
}
