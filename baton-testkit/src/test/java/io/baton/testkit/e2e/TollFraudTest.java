package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.proxy.ProxyServer;
import io.baton.registry.CallRegistry;
import io.baton.sbc.Sbc;
import io.baton.sip.HostPort;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.RequestBuilder;
import io.baton.sip.SipConfig;
import io.baton.sip.SipEndpoint;
import io.baton.sip.StackMode;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 10 item 1, end to end on the lab: an INVITE from a source no element trusts, at every
 * element, over UDP and TCP, gets 403 and creates no call, no leg, no registry entry, no dialog and
 * no relay port; calls to the network's DIDs from anyone, and transfers, still work.
 */
class TollFraudTest extends LabTest {
  private static final String PSTN = "+16465550111";
  private static final String CALLCENTER_NUMBER = "+13125550100";
  private static final String SDP =
      "v=0\r\no=fraud 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
          + "m=audio 16032 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

  /** Somebody on the network that Baton's elements do not know: UDP from 16030, TCP ephemeral. */
  private static SipEndpoint stranger;

  @BeforeAll
  static void startStranger() throws Exception {
    stranger =
        SipEndpoint.start(
            "stranger",
            StackMode.USER_AGENT,
            SipConfig.at(new HostPort("127.0.0.1", 16030)),
            request -> request.respond(Response.OK));
  }

  @AfterAll
  static void stopStranger() {
    stranger.close();
  }

  /** What a toll fraudster would try: element, Request-URI user, and the Route it would need. */
  static Stream<Arguments> attempts() {
    return Stream.of("udp", "tcp")
        .flatMap(
            transport ->
                Stream.of(
                    Arguments.of(
                        "sbc-edge, a number that is no DID", 5060, PSTN, List.of(), transport),
                    Arguments.of(
                        "sbc-edge, carried on to SBC-carrier by Request-URI and Route",
                        5060,
                        PSTN + "@127.0.0.1:5120",
                        List.of("<sip:127.0.0.1:5060;lr>", "<sip:127.0.0.1:5120;lr>"),
                        transport),
                    Arguments.of(
                        "sbc-carrier, straight to a carrier", 5120, PSTN, List.of(), transport),
                    Arguments.of("redirect server", 5070, PSTN, List.of(), transport),
                    Arguments.of("proxy", 5080, CALLCENTER_NUMBER, List.of(), transport),
                    Arguments.of("sbc-dest", 5090, CALLCENTER_NUMBER, List.of(), transport)));
  }

  @ParameterizedTest(name = "{0} over {4}")
  @MethodSource("attempts")
  void anInviteFromAStrangerGets403AndLeavesNothingBehind(
      String what, int port, String user, List<String> route, String transport) throws Exception {
    Footprint before = Footprint.now();
    int carrierCallsBefore = endpoint("pstn-sales").calls().size();

    Request invite = invite(port, user, route, transport);
    Response response = send(invite);

    assertThat(response.getStatusCode()).as(what).isEqualTo(Response.FORBIDDEN);
    assertThat(response.getReasonPhrase()).isEqualTo("Forbidden");
    assertThat(response.getHeaders("Contact").hasNext()).as("no route revealed").isFalse();
    String sipCallId = ((javax.sip.header.CallIdHeader) invite.getHeader("Call-ID")).getCallId();
    assertThat(registry().findBySipCallId(sipCallId)).as("registry entry").isEmpty();
    assertThat(endpoint("pstn-sales").calls()).hasSize(carrierCallsBefore);
    Footprint after = Footprint.now();
    assertThat(after.calls()).as("calls recorded").isEqualTo(before.calls());
    assertThat(after.held())
        .as("calls held, relay ports, proxy dialogs")
        .isLessThanOrEqualTo(before.held());
  }

  @Test
  void aStrangersCallToADidStillWorksAndSoDoTransfers() throws Exception {
    // A caller the network does not know, with no Route, calls a DID: it is answered.
    Request invite = invite(5060, "+18005550100", List.of(), "udp");
    OutboundTransaction tx = stranger.send(invite);
    Response ok = tx.finalResponse().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(ok.getStatusCode()).isEqualTo(Response.OK);
    stranger.ack(tx.dialog(), ok);
    String sipCallId = ((javax.sip.header.CallIdHeader) invite.getHeader("Call-ID")).getCallId();
    JsonNode call = acme.get("/v1/calls/" + sipCallId).body();
    assertThat(legStates(call))
        .containsEntry("sbc-edge->proxy", "active")
        .doesNotContainKey("sbc-edge->sbc-carrier");
    assertThat(
            stranger
                .send(tx.dialog().createRequest(Request.BYE), tx.dialog())
                .finalResponse()
                .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                .getStatusCode())
        .isEqualTo(Response.OK);

    // The lab's caller calls, and the call is transferred to a number through a carrier.
    UaCall ua = call("+18005550100");
    String callId = callOf(ua).get("id").asText();
    UserAgent sales = endpoint("pstn-sales");
    int salesCallsBefore = sales.calls().size();
    JsonNode transfer = awaitTransfer(transfer(callId, "{\"to\":\"target:sales\"}"), "completed");
    assertThat(transfer.get("sipStatus").asInt()).isEqualTo(200);
    await().atMost(WAIT).until(() -> sales.calls().size() > salesCallsBefore);
    assertReceiving(ua.rtp(), "caller after the transfer");
    ua.hangUp();
    assertNothingLeaked(callId);
  }

  private static Request invite(int port, String user, List<String> route, String transport)
      throws java.text.ParseException {
    String target = user.contains("@") ? "sip:" + user : "sip:" + user + "@127.0.0.1:" + port;
    SipURI uri = (SipURI) stranger.messages().parseUri(target);
    if (transport.equals("tcp")) {
      uri.setTransportParam("tcp");
    }
    RequestBuilder builder =
        stranger
            .request(Request.INVITE, uri)
            .from(stranger.contact("fraud"))
            .body("application/sdp", SDP);
    String lr = transport.equals("tcp") ? ";transport=tcp;lr>" : ";lr>";
    route.forEach(hop -> builder.header("Route", hop.replace(";lr>", lr)));
    return builder.build();
  }

  private static Response send(Request request) throws Exception {
    return stranger.send(request).finalResponse().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static CallRegistry registry() {
    return lab.callRegistry().orElseThrow();
  }

  /**
   * What a call leaves in the lab: calls recorded in the registry, and held by the SBCs, relay
   * ports and proxy dialogs (summed: a refused INVITE must add to none of them, and other calls may
   * only end meanwhile).
   */
  private record Footprint(int calls, int held) {
    static Footprint now() {
      int held = lab.element("proxy", ProxyServer.class).dialogs();
      for (String name : List.of("sbc-edge", "sbc-dest", "sbc-carrier")) {
        Sbc sbc = lab.element(name, Sbc.class);
        held += sbc.activeCalls() + (sbc.relay() == null ? 0 : sbc.relay().portsInUse());
      }
      return new Footprint(registry().recent(10_000).size(), held);
    }
  }
}
