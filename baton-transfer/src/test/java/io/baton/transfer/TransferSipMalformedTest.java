package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.registry.Call;
import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.sip.wire.MalformedCases;
import io.baton.sip.wire.SipWire;
import io.baton.sip.wire.WireCase;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The transfer server's SIP side fed malformed SIP on the real wire (raw UDP, the transport it
 * listens on): the right answer or none, and a transfer in flight before the junk still completes
 * on the NOTIFYs that follow it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransferSipMalformedTest {
  private TransferFixture lab;
  private HostPort sip;
  private InboundRequest refer;
  private String transferId;

  @BeforeAll
  void start() throws Exception {
    lab = TransferFixture.start("malformed", 15450, 15451, 18082);
    sip = lab.server.sipAddress();
    Call call = lab.answeredCall();
    transferId = lab.transfer(call, "{\"to\": \"+16465550111\"}").get("id").asText();
    refer = lab.proxy.nextRefer();
    assertThat(lab.proxy.notify(refer, 1, 100, "Trying", false)).isEqualTo(200);
    lab.awaitTransfer(transferId, "dialing");
  }

  /** The transfer started before any junk completes on its final NOTIFY. */
  @AfterAll
  void stop() {
    try {
      assertThat(lab.proxy.notify(refer, 2, 200, "OK", true)).isEqualTo(200);
      assertThat(lab.awaitTransfer(transferId, "completed").get("sipStatus").asInt())
          .isEqualTo(200);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      lab.close();
    }
  }

  static Stream<WireCase> cases() {
    return Stream.concat(
        MalformedCases.common(),
        Stream.of(WireCase.answered("notify-unknown-subscription.sip", 481)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void overUdp(WireCase c) {
    try (SipWire wire = SipWire.udp(sip)) {
      c.check(wire, TransferUserAgent.USER);
    }
  }

  @Test
  void aBurstOfJunkLeavesTheServerAnswering() {
    List<String> junk = List.of("garbage.bin", "no-via.sip", "malformed-status-line.sip");
    try (SipWire wire = SipWire.udp(sip)) {
      for (int i = 0; i < 500; i++) {
        wire.send(wire.message(junk.get(i % junk.size()), TransferUserAgent.USER));
      }
      WireCase.ask(wire, "valid-options.sip", TransferUserAgent.USER, 200);
    }
  }

  @AfterEach
  void stillServing() throws Exception {
    WireCase.assertServing(sip, TransferUserAgent.USER);
    assertThat(
            lab.json(lab.get("/v1/transfers/" + transferId, TransferFixture.ACME_KEY))
                .get("state")
                .asText())
        .isEqualTo("dialing");
  }
}
