package io.baton.callcenter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.media.MediaPorts;
import io.baton.media.PortPool;
import io.baton.sip.CallLifetime;
import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.SipConfig;
import io.baton.sip.SipEndpoint;
import io.baton.sip.StackMode;
import io.baton.sip.sdp.Codec;
import io.baton.sip.sdp.SessionDescription;
import io.baton.ua.Answer;
import io.baton.ua.CallMachine.State;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import io.baton.ua.UserAgentConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.Dialog;
import javax.sip.address.URI;
import javax.sip.header.AllowHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The call center on loopback, called by a real user agent (SIP + RTP) and a bare SIP peer. */
class CallCenterTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String BATON_ID = "c-0000000000000cc1";

  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final List<AutoCloseable> open = new ArrayList<>();
  private CallCenter center;
  private UserAgent caller;

  @BeforeEach
  void start() throws Exception {
    center = CallCenter.start("callcenter", TestConfig.center(), scheduler, Clock.systemUTC());
    open.add(center);
    caller =
        UserAgent.start(
            new UserAgentConfig("caller", SipConfig.at("127.0.0.1:15601"), Answer.AT_ONCE),
            new PortPool("127.0.0.1", 43400, 43449),
            scheduler,
            Clock.systemUTC());
    open.add(caller);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    scheduler.shutdownNow();
  }

  private UaCall callTheCenter() throws Exception {
    return caller.dial(centerUri(), Map.of("X-Baton-Call-Id", BATON_ID)).awaitAnswered(WAIT);
  }

  private URI centerUri() {
    return Messages.get().uri("+13125550100", center.address());
  }

  @Test
  void answersAfterRingingPlaysAToneAndSeesTheCallerHangUp() throws Exception {
    UaCall outgoing = callTheCenter();
    UaCall received = center.call(BATON_ID).orElseThrow();

    // The center's own record: 180 sent, then 200 (the caller's stack may reorder the two).
    assertThat(received.history()).containsSubsequence(State.RINGING, State.ANSWERED);
    await()
        .atMost(WAIT)
        .until(
            () -> outgoing.rtp().packetsReceived() > 10 && received.rtp().packetsReceived() > 10);
    // The menu prompt is speech: some frames are pauses, so wait for a spoken one.
    await().atMost(WAIT).until(() -> outgoing.rtp().lastLevel() > 1000);
    assertThat(received.rtp().localPort()).isBetween(43300, 43399);

    outgoing.hangUp();
    received.awaitEnded(WAIT);
    assertThat(received.endedByRemote()).isTrue();
    assertThat(received.inDialogRequests()).contains("BYE");
    assertThat(center.calls()).containsExactly(received);
    assertThat(center.hangUp(BATON_ID)).isFalse();
  }

  @Test
  void aCallerGoneSilentIsHungUpAndItsRtpPortFreed() throws Exception {
    center.close();
    CallLifetime oneSecondOfSilence =
        new CallLifetime(null, null, Duration.ofSeconds(1), null, null, null);
    center =
        CallCenter.start(
            "callcenter",
            TestConfig.center().withLifetime(oneSecondOfSilence),
            scheduler,
            Clock.systemUTC());
    open.add(center);
    UaCall outgoing = callTheCenter();
    UaCall received = center.call(BATON_ID).orElseThrow();
    await().atMost(WAIT).until(() -> received.rtp().packetsReceived() > 10);

    outgoing.rtp().stopSending(); // the caller vanished, its BYE lost

    received.awaitEnded(WAIT);
    assertThat(received.endedByRemote()).as("the center hung up").isFalse();
    outgoing.awaitEnded(WAIT);
    assertThat(outgoing.endedByRemote()).as("its BYE reached the caller").isTrue();
    assertThat(center.ivr(received)).isEmpty();
  }

  @Test
  void hangsUpWhenAsked() throws Exception {
    UaCall outgoing = callTheCenter();
    await()
        .atMost(WAIT)
        .until(() -> center.call(BATON_ID).orElseThrow().state() == State.CONFIRMED);

    assertThat(center.hangUp(BATON_ID)).isTrue();

    outgoing.awaitEnded(WAIT);
    assertThat(outgoing.endedByRemote()).isTrue();
    assertThat(center.call(BATON_ID).orElseThrow().state()).isEqualTo(State.ENDED);
    assertThat(center.hangUp("c-unknown")).isFalse();
  }

  @Test
  void cannotTransferAReferGets405WithAllowAndTheCallGoesOn() throws Exception {
    try (SipEndpoint peer =
        SipEndpoint.start(
            "peer", StackMode.USER_AGENT, SipConfig.at("127.0.0.1:15602"), request -> {})) {
      String offer =
          SessionDescription.audio("peer", "127.0.0.1", 43450, List.of(Codec.PCMU)).toString();
      OutboundTransaction invite =
          peer.send(
              peer.request(Request.INVITE, centerUri())
                  .header("X-Baton-Call-Id", BATON_ID)
                  .body("application/sdp", offer)
                  .build());
      Response ok = invite.finalResponse().get(5, TimeUnit.SECONDS);
      Dialog dialog = invite.dialog();
      peer.ack(dialog, ok);

      Request refer = dialog.createRequest(Request.REFER);
      peer.messages().setHeader(refer, "Refer-To", "<sip:support@127.0.0.1:5131>");
      Response inDialog = peer.send(refer, dialog).finalResponse().get(5, TimeUnit.SECONDS);
      Request outOfDialog =
          peer.request(Request.REFER, peer.messages().uri(null, center.address()))
              .header("Refer-To", "<tel:+16465550111>")
              .build();
      Response outside = peer.send(outOfDialog).finalResponse().get(5, TimeUnit.SECONDS);

      for (Response response : List.of(inDialog, outside)) {
        assertThat(response.getStatusCode()).isEqualTo(405);
        assertThat(allowed(response))
            .containsExactly("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "INFO");
      }
      UaCall received = center.call(BATON_ID).orElseThrow();
      assertThat(received.state()).isEqualTo(State.CONFIRMED);
      assertThat(received.inDialogRequests()).contains("REFER");
      long sent = received.rtp().packetsSent();
      await().atMost(WAIT).until(() -> received.rtp().packetsSent() > sent + 5);

      Response bye =
          peer.send(dialog.createRequest(Request.BYE), dialog)
              .finalResponse()
              .get(5, TimeUnit.SECONDS);
      assertThat(bye.getStatusCode()).isEqualTo(200);
    }
  }

  private static List<String> allowed(Response response) {
    List<String> methods = new ArrayList<>();
    for (Iterator<?> it = response.getHeaders(AllowHeader.NAME); it.hasNext(); ) {
      methods.add(((AllowHeader) it.next()).getMethod());
    }
    return methods;
  }

  @Test
  void pressing1AsAnRfc4733EventChoosesTheFlowThatSaysGoodbyeAndHangsUp() throws Exception {
    UaCall outgoing = callTheCenter();
    UaCall received = center.call(BATON_ID).orElseThrow();
    await().atMost(WAIT).until(() -> center.ivr(received).orElse("").contains("GATHERING"));

    outgoing.sendDigits("1");

    outgoing.awaitEnded(Duration.ofSeconds(10));
    assertThat(outgoing.endedByRemote()).as("the call center hung up").isTrue();
    assertThat(received.digits()).containsExactly('1');
  }

  @Test
  void pressing1AsSipInfoWorksTheSame() throws Exception {
    UaCall outgoing = callTheCenter();
    UaCall received = center.call(BATON_ID).orElseThrow();
    await().atMost(WAIT).until(() -> center.ivr(received).orElse("").contains("GATHERING"));

    assertThat(outgoing.sendInfoDigits("1", WAIT)).containsExactly(200);

    outgoing.awaitEnded(Duration.ofSeconds(10));
    assertThat(outgoing.endedByRemote()).isTrue();
  }

  @Test
  void pressing0QueuesForTheAgentIdleLongestWhoTalksBothWays() throws Exception {
    UaCall outgoing = callTheCenter();
    UaCall received = center.call(BATON_ID).orElseThrow();
    await().atMost(WAIT).until(() -> center.ivr(received).orElse("").contains("GATHERING"));

    outgoing.sendDigits("0");

    await().atMost(WAIT).until(() -> center.ivr(received).orElse("").contains("WITH_AGENT"));
    assertThat(center.ivr(received).orElseThrow()).contains("agent=alice");
    UaCall atAlice = center.agent("alice").orElseThrow().calls().getLast();
    // The caller plays a 440 Hz tone, alice her speech: each hears the other through the bridge.
    await().atMost(WAIT).until(() -> atAlice.rtp().lastLevel() > 1000);
    long heard = outgoing.rtp().packetsReceived();
    await().atMost(WAIT).until(() -> outgoing.rtp().packetsReceived() > heard + 10);
    await().atMost(WAIT).until(() -> outgoing.rtp().lastLevel() > 1000);

    outgoing.hangUp();
    atAlice.awaitEnded(WAIT);
    assertThat(atAlice.endedByRemote()).as("the call center released alice").isTrue();
  }

  @Test
  void aThirdCallerWaitsOnHoldUntilAnAgentIsFreeThenGetsTheOneIdleLongest() throws Exception {
    UaCall[] callers = new UaCall[3];
    UaCall[] received = new UaCall[3];
    for (int i = 0; i < 3; i++) {
      String id = "c-00000000000000d" + i;
      callers[i] = caller.dial(centerUri(), Map.of("X-Baton-Call-Id", id)).awaitAnswered(WAIT);
      UaCall at = center.call(id).orElseThrow();
      received[i] = at;
      await().atMost(WAIT).until(() -> center.ivr(at).orElse("").contains("GATHERING"));
      callers[i].sendDigits("0");
      String expected = i < 2 ? "WITH_AGENT" : "QUEUED";
      await().atMost(WAIT).until(() -> center.ivr(at).orElse("").contains(expected));
    }
    assertThat(center.ivr(received[0]).orElseThrow()).contains("agent=alice");
    assertThat(center.ivr(received[1]).orElseThrow()).contains("agent=bob");
    // On hold: the third caller hears the hold prompt, not silence.
    await().atMost(WAIT).until(() -> callers[2].rtp().lastLevel() > 1000);

    callers[0].hangUp(); // alice is free again, and now idle longer than busy bob

    await()
        .atMost(WAIT)
        .until(() -> center.ivr(received[2]).orElse("").contains("WITH_AGENT agent=alice"));
    callers[1].hangUp();
    callers[2].hangUp();
  }

  @Test
  void anAgentsTransferGoesToBatonAndAnUnreachableBatonIs502WhileTheCallerStays() throws Exception {
    UaCall outgoing = callTheCenter();
    UaCall received = center.call(BATON_ID).orElseThrow();
    await().atMost(WAIT).until(() -> center.ivr(received).orElse("").contains("GATHERING"));
    HttpClient http = HttpClient.newHttpClient();

    assertThat(post(http, "/agents/alice/transfer", "{\"to\":\"target:support\"}").statusCode())
        .as("alice talks to nobody yet")
        .isEqualTo(409);
    outgoing.sendDigits("0");
    await().atMost(WAIT).until(() -> center.ivr(received).orElse("").contains("WITH_AGENT"));
    assertThat(get(http, "/agents").body()).contains("\"call\":\"" + received.sipCallId());

    HttpResponse<String> noBaton =
        post(http, "/agents/alice/transfer", "{\"to\":\"target:support\"}");
    assertThat(noBaton.statusCode()).isEqualTo(502);
    assertThat(noBaton.headers().firstValue("Content-Type")).contains("application/problem+json");
    await().atMost(WAIT).until(() -> center.ivr(received).orElse("").contains("WITH_AGENT"));
    assertThat(outgoing.state()).isEqualTo(State.CONFIRMED);

    assertThat(post(http, "/agents/zed/transfer", "{\"to\":\"target:support\"}").statusCode())
        .isEqualTo(404);
    HttpResponse<String> bad = post(http, "/agents/alice/transfer", "{\"too\":1}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("to: a transfer target is required");
    assertThat(post(http, "/agents", "{}").statusCode()).isEqualTo(405);
    outgoing.hangUp();
  }

  @Test
  void theAgentsEndpointAnswersOnlyRequestsCarryingItsKey() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String authorization :
        new String[] {null, "Bearer wrong-key-0123456789", "Basic " + TestConfig.AGENTS_KEY}) {
      for (HttpResponse<String> r :
          List.of(
              send(http, request("/agents", authorization).GET()),
              send(
                  http,
                  request("/agents/alice/transfer", authorization)
                      .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"target:support\"}"))))) {
        assertThat(r.statusCode()).as(authorization + ": " + r.body()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(r.headers().firstValue("WWW-Authenticate"))
            .contains("Bearer realm=\"baton-agents\"");
      }
    }
    assertThat(get(http, "/agents").statusCode()).isEqualTo(200);
  }

  @Test
  void theAgentsKeyIsRequiredAndLongEnough() {
    HostPort at = new HostPort("127.0.0.1", 15605);
    assertThatThrownBy(() -> new AgentHttpConfig(at, null))
        .hasMessage("callcenter.http.key: missing");
    assertThatThrownBy(() -> new AgentHttpConfig(at, "short"))
        .hasMessageStartingWith("callcenter.http.key: must be 16 to 200");
    assertThat(new AgentHttpConfig(at, TestConfig.AGENTS_KEY).toString())
        .doesNotContain(TestConfig.AGENTS_KEY);
  }

  private HttpRequest.Builder request(String path, String authorization) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(java.net.URI.create("http://" + center.httpAddress() + path));
    return authorization == null ? b : b.header("Authorization", authorization);
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request)
      throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(HttpClient http, String path, String body) throws Exception {
    return send(
        http,
        request(path, "Bearer " + TestConfig.AGENTS_KEY)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> get(HttpClient http, String path) throws Exception {
    return send(http, request(path, "Bearer " + TestConfig.AGENTS_KEY));
  }

  @Test
  void badConfigurationIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> new MediaPorts("127.0.0.1", "30000"))
        .hasMessageStartingWith("ports: '30000' is not first-last");
    assertThatThrownBy(() -> new MediaPorts("127.0.0.1", "31000-30000"))
        .hasMessageStartingWith("ports: '31000-30000'");
    assertThatThrownBy(() -> new MediaPorts(" ", "30000-30999")).hasMessage("address: missing");
    assertThatThrownBy(
            () ->
                new CallCenterConfig(
                    SipConfig.at("127.0.0.1:5100"), null, null, null, null, null, null))
        .hasMessage("callcenter.media: missing");
    assertThat(new MediaPorts("127.0.0.1", "30000-30999").pool().capacity()).isEqualTo(500);
  }
}
