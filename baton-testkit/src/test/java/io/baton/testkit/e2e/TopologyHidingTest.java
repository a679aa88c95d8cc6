package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.sip.HostPort;
import io.baton.sip.SipEndpoint;
import io.baton.sip.TopologyHiding;
import io.baton.sip.wire.SipWire;
import io.baton.sip.wire.WireResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10 item 7 on the real wire: a caller on a plain socket (no SIP stack to tidy anything up)
 * places a call that crosses the whole network and is transferred through SBC-carrier to a
 * carrier's number; every byte it receives is checked for anything of what is behind SBC-edge.
 */
class TopologyHidingTest extends LabTest {
  private static final HostPort SBC_EDGE = HostPort.parse(EDGE);
  private static final Pattern STATUS_LINE = Pattern.compile("^SIP/2\\.0 (\\d{3}) (.*)$");
  private static final Pattern BATON_CALL_ID = Pattern.compile("\\bc-[0-9a-f]{16}\\b");

  /** A raw caller: one socket, the messages it writes by hand, everything it receives kept. */
  private static final class RawCaller {
    final SipWire wire;
    final String callId = UUID.randomUUID() + "@127.0.0.1";
    final String fromTag = SipEndpoint.newTag();
    String toTag;

    RawCaller(String transport) {
      wire = transport.equals("udp") ? SipWire.udp(SBC_EDGE) : SipWire.tcp(SBC_EDGE);
    }

    /** Sends a request of this dialog; returns its branch. */
    String send(String method, int cseq, String body) {
      String branch = SipEndpoint.newBranch();
      String transport = wire.transport();
      String uri = method.equals("INVITE") ? "sip:+18005550100@" + EDGE : "sip:" + EDGE;
      StringBuilder m = new StringBuilder();
      m.append(method).append(' ').append(uri).append(" SIP/2.0\r\n");
      m.append("Via: SIP/2.0/")
          .append(transport)
          .append(' ')
          .append(wire.local())
          .append(";branch=")
          .append(branch)
          .append("\r\n");
      m.append("From: <sip:topo@").append(wire.local()).append(">;tag=").append(fromTag);
      m.append("\r\nTo: <sip:+18005550100@").append(EDGE).append('>');
      m.append(toTag == null ? "" : ";tag=" + toTag).append("\r\n");
      m.append("Call-ID: ").append(callId).append("\r\n");
      m.append("CSeq: ").append(cseq).append(' ').append(method).append("\r\n");
      m.append("Max-Forwards: 70\r\n");
      m.append("Contact: <sip:topo@").append(wire.local());
      m.append(";transport=").append(transport.toLowerCase(Locale.ROOT)).append(">\r\n");
      if (body != null) {
        m.append("Content-Type: application/sdp\r\n");
      }
      int length = body == null ? 0 : body.length();
      m.append("Content-Length: ").append(length).append("\r\n\r\n");
      m.append(body == null ? "" : body);
      wire.send(m.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      return branch;
    }

    WireResponse awaitFinal(String branch) {
      return wire.awaitFinal(branch, WAIT).orElseThrow();
    }
  }

  private static String offer(int payloadType, String encoding) {
    return "v=0\r\no=topo 7 7 IN IP4 127.0.0.1\r\ns=topology test\r\nc=IN IP4 127.0.0.1\r\n"
        + "t=0 0\r\nm=audio 16042 RTP/AVP "
        + payloadType
        + "\r\na=rtpmap:"
        + payloadType
        + " "
        + encoding
        + "\r\n";
  }

  @ParameterizedTest
  @ValueSource(strings = {"udp", "tcp"})
  void aCallerSeesNothingOfTheNetworkBehindSbcEdge(String transport) throws Exception {
    RawCaller caller = new RawCaller(transport);
    try {
      WireResponse ok = caller.awaitFinal(caller.send("INVITE", 1, offer(0, "PCMU/8000")));
      assertThat(ok.status()).isEqualTo(200);
      caller.toTag = ok.header("To").replaceAll(".*;tag=", "");
      caller.send("ACK", 1, null);

      // Moved to a carrier's number: the caller's side is SBC-edge's dialog still.
      String callId = acme.get("/v1/calls/" + caller.callId).body().get("id").asText();
      awaitTransfer(transfer(callId, "{\"to\":\"target:sales\"}"), "completed");
      assertThat(caller.awaitFinal(caller.send("BYE", 2, null)).status()).isEqualTo(200);

      assertNothingBehindEdge(caller);
      assertThat(String.join("\n", caller.wire.messages()))
          .contains("o=- ") // SBC-edge's own origin on the answer
          .doesNotContain("s=topology test");
    } finally {
      caller.wire.close();
    }
    assertNothingLeaked();
  }

  @ParameterizedTest
  @ValueSource(strings = {"udp", "tcp"})
  void aRefusalFromInsideReachesTheCallerWithTheStandardPhrase(String transport) {
    RawCaller caller = new RawCaller(transport);
    try {
      // G.729 only: the call center refuses it with its own words ("no PCMU or PCMA").
      WireResponse refused = caller.awaitFinal(caller.send("INVITE", 1, offer(18, "G729/8000")));
      assertThat(refused.status()).isEqualTo(488);
      assertThat(refused.reason()).isEqualTo("Not Acceptable Here");
      assertNothingBehindEdge(caller);
    } finally {
      caller.wire.close();
    }
    await().atMost(WAIT).until(() -> edge().activeCalls() == 0);
  }

  /** Every message the caller got names SBC-edge and itself only, in standard words. */
  private static void assertNothingBehindEdge(RawCaller caller) {
    List<String> received = caller.wire.messages();
    assertThat(received).isNotEmpty();
    List<Pattern> inner = new ArrayList<>();
    lab.config()
        .network()
        .forEach(
            (name, address) -> {
              if (!address.equals(SBC_EDGE)) {
                inner.add(Pattern.compile(Pattern.quote(address.toString()) + "(?!\\d)"));
              }
            });
    String self = caller.wire.local().toString();
    for (String message : received) {
      assertThat(message)
          .as("a message to the caller")
          .doesNotContainIgnoringCase("callcenter")
          .doesNotContainIgnoringCase("X-Baton")
          .doesNotContainPattern(BATON_CALL_ID);
      inner.forEach(address -> assertThat(message).doesNotContainPattern(address));
      String head = message.substring(0, message.indexOf("\r\n\r\n"));
      for (String line : head.split("\r\n")) {
        String name = line.contains(":") ? line.substring(0, line.indexOf(':')).trim() : "";
        switch (name.toLowerCase(Locale.ROOT)) {
          case "call-id", "i" -> assertThat(line).endsWith(caller.callId);
          case "via", "v" -> assertThat(line).containsAnyOf(self, EDGE);
          case "contact", "m" -> assertThat(line).contains("sip:" + EDGE);
          case "server", "user-agent", "warning", "record-route", "reason" ->
              assertThat(line).as("a header that names what is behind").isNull();
          default -> {}
        }
      }
      Matcher status = STATUS_LINE.matcher(head.substring(0, head.indexOf("\r\n")));
      if (status.matches()) {
        assertThat(status.group(2))
            .as("reason phrase")
            .isEqualTo(TopologyHiding.standardPhrase(Integer.parseInt(status.group(1))));
      }
      message
          .lines()
          .filter(l -> l.startsWith("o="))
          .forEach(o -> assertThat(o).as("SDP origin").startsWith("o=- "));
    }
  }
}
