package io.baton.sbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.contract.CallerId;
import io.baton.contract.OnFail;
import io.baton.contract.RedirectInfo;
import io.baton.contract.TransferMode;
import io.baton.sbc.ReferredTransfer.TransferTarget;
import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.PeerNames;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;

/** Reading a REFER as the proxy sends it to SBC-edge (docs "The transfer" steps 3-4). */
class ReferredTransferTest {
  private static final TransferConfig CONFIG =
      new TransferConfig(
          Duration.ofSeconds(30), Duration.ofSeconds(300), CallerId.KEEP, RedirectInfo.DIVERSION);
  private static final PeerNames PEERS =
      new PeerNames(Map.of("support", HostPort.parse("127.0.0.1:5131")));

  private static Request refer(String... extraHeaders) throws Exception {
    String text =
        "REFER sip:127.0.0.1:5060 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-1\r\n"
            + "From: <sip:+13125550100@127.0.0.1:5100>;tag=uas\r\n"
            + "To: <sip:caller@127.0.0.1:5000>;tag=uac\r\n"
            + "Call-ID: leg1@127.0.0.1\r\n"
            + "CSeq: 7 REFER\r\n"
            + "Max-Forwards: 70\r\n"
            + "Event: refer\r\n"
            + String.join("", extraHeaders)
            + "Content-Length: 0\r\n\r\n";
    return Messages.get().messageFactory().createRequest(text);
  }

  private static ReferredTransfer parse(String... extraHeaders) throws Exception {
    return ReferredTransfer.parse(refer(extraHeaders), CONFIG, PEERS);
  }

  private static Target only(TransferTarget target) {
    return ((Destination.Direct) target.destination()).targets().get(0);
  }

  @Test
  void aTelNumberGoesThroughTheRedirectServerWithTheDefaults() throws Exception {
    ReferredTransfer t = parse("Refer-To: <tel:+16465550111>\r\n");

    assertThat(t.targets())
        .containsExactly(
            new TransferTarget(
                new Destination.ViaRedirect("+16465550111"), Duration.ofSeconds(30)));
    assertThat(t.mode()).isEqualTo(TransferMode.MAKE_BEFORE_BREAK);
    assertThat(t.onFail()).isEqualTo(OnFail.STAY);
    assertThat(t.pass()).isEmpty();
    assertThat(t.referCSeq()).isEqualTo(7);
  }

  @Test
  void aSipUriIsDialledDirectlyWithoutItsEmbeddedHeadersAsTheConfigPresentsIt() throws Exception {
    ReferredTransfer t =
        parse(
            "Refer-To: <sip:support@127.0.0.1:5131;cid=did?Replaces=abc>\r\n",
            "X-Baton-Transfer-Mode: blind\r\n",
            "X-Baton-Transfer-Timeout: 600\r\n");

    Target target = only(t.targets().get(0));
    assertThat(target.uri().toString()).isEqualTo("sip:support@127.0.0.1:5131");
    assertThat(target.peer()).isEqualTo("support");
    // SIP URI targets take the SBC's transfer.callerId/redirectInfo, whatever the URI says
    assertThat(target.identity())
        .isEqualTo(new CallerIdentity(CallerId.KEEP, RedirectInfo.DIVERSION));
    assertThat(t.mode()).isEqualTo(TransferMode.BLIND);
    assertThat(t.targets().get(0).timeout()).isEqualTo(Duration.ofSeconds(300)); // capped
  }

  @Test
  void theFallbackListFollowsReferToEachWithItsOwnTimeout() throws Exception {
    ReferredTransfer t =
        parse(
            "Refer-To: <tel:+16465550111>\r\n",
            "X-Baton-Transfer-Timeout: 20\r\n",
            "X-Baton-Transfer-Fallback: <sip:b@127.0.0.1:5131>;timeout=15, <tel:+16465550112>\r\n",
            "X-Baton-Transfer-Fallback: <sip:c@10.0.0.1;transport=tcp>;timeout=900;x=1\r\n",
            "X-Baton-On-Fail: hangup\r\n");

    assertThat(t.targets())
        .extracting(TransferTarget::timeout)
        .containsExactly(
            Duration.ofSeconds(20),
            Duration.ofSeconds(15),
            Duration.ofSeconds(30),
            Duration.ofSeconds(300));
    assertThat(only(t.targets().get(1)).uri().toString()).isEqualTo("sip:b@127.0.0.1:5131");
    assertThat(t.targets().get(2).destination())
        .isEqualTo(new Destination.ViaRedirect("+16465550112"));
    assertThat(only(t.targets().get(3)).uri().toString()).isEqualTo("sip:c@10.0.0.1;transport=tcp");
    assertThat(t.ringTime()).isEqualTo(Duration.ofSeconds(365));
    assertThat(t.onFail()).isEqualTo(OnFail.HANGUP);
  }

  @Test
  void aRateCeilingHoldsEveryNumberTargetAndNoSipUri() throws Exception {
    ReferredTransfer t =
        parse(
            "Refer-To: <tel:+16465550111>\r\n",
            "X-Baton-Transfer-Fallback: <sip:b@127.0.0.1:5131>, <tel:+16465550112>\r\n",
            "X-Baton-Max-Rate: 0.0150\r\n");

    assertThat(t.targets().get(0).destination())
        .isEqualTo(new Destination.ViaRedirect("+16465550111", new BigDecimal("0.0150")));
    assertThat(only(t.targets().get(1)).uri().toString()).isEqualTo("sip:b@127.0.0.1:5131");
    assertThat(t.targets().get(2).destination())
        .isEqualTo(new Destination.ViaRedirect("+16465550112", new BigDecimal("0.0150")));
    assertThat(parse("Refer-To: <tel:+16465550111>\r\n").targets().get(0).destination())
        .isEqualTo(new Destination.ViaRedirect("+16465550111", null));
    assertThatThrownBy(
            () -> parse("Refer-To: <tel:+16465550111>\r\n", "X-Baton-Max-Rate: cheap\r\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Bad X-Baton-Max-Rate (a rate per minute, e.g. 0.015)");
  }

  @Test
  void passHeadersArePercentDecodedAndOnlyTheCustomersOwnAreKept() throws Exception {
    ReferredTransfer t =
        parse(
            "Refer-To: <tel:+16465550111>\r\n",
            "X-Baton-Pass: X-Agent-Id=42\r\n",
            "X-Baton-Pass: User-to-User=56a390f3d2b7310023a2;encoding=hex\r\n",
            "X-Baton-Pass: X-Note=caf%C3%A9+%2C%20au%20lait%25\r\n",
            "X-Baton-Pass: X-Baton-Call-Id=c-0000000000000bad\r\n",
            "X-Baton-Pass: Contact=%3Csip%3Aevil%40example.com%3E\r\n",
            "X-Baton-Pass: X-Split=a%0D%0AVia%3A%20x\r\n",
            "X-Baton-Pass: X-Broken=%ZZ\r\n",
            "X-Baton-Pass: X-Latin1=%E9\r\n",
            "X-Baton-Pass: X-Empty=\r\n",
            "X-Baton-Pass: no-value\r\n");

    assertThat(t.pass())
        .containsExactly(
            new HeaderField("X-Agent-Id", "42"),
            new HeaderField("User-to-User", "56a390f3d2b7310023a2;encoding=hex"),
            new HeaderField("X-Note", "café+, au lait%"));
  }

  @Test
  void whatCannotBeExecutedIsABadRequest() {
    assertThatThrownBy(() -> parse()).hasMessage("Missing Refer-To");
    assertThatThrownBy(() -> parse("Refer-To: <tel:5550111>\r\n"))
        .hasMessage("Refer-To number is not E.164");
    assertThatThrownBy(
            () -> parse("Refer-To: <tel:+16465550111>\r\n", "X-Baton-Transfer-Timeout: soon\r\n"))
        .hasMessageContaining("X-Baton-Transfer-Timeout");
    assertThatThrownBy(
            () -> parse("Refer-To: <tel:+16465550111>\r\n", "X-Baton-Transfer-Mode: later\r\n"))
        .hasMessage("Bad X-Baton-Transfer-Mode: 'later' is not make-before-break or blind");
    assertThatThrownBy(() -> parse("Refer-To: <tel:+16465550111>\r\n", "X-Baton-On-Fail: drop\r\n"))
        .hasMessage("Bad X-Baton-On-Fail: 'drop' is not stay or hangup");
  }

  @Test
  void aFallbackListThatCannotBeExecutedIsABadRequest() {
    String referTo = "Refer-To: <tel:+16465550111>\r\n";
    assertThatThrownBy(() -> parse(referTo, "X-Baton-Transfer-Fallback: sip:b@host\r\n"))
        .hasMessage("Bad X-Baton-Transfer-Fallback (<uri>;timeout=s, ...)");
    assertThatThrownBy(() -> parse(referTo, "X-Baton-Transfer-Fallback: <mailto:b@host>\r\n"))
        .hasMessage("X-Baton-Transfer-Fallback is neither a tel: number nor a SIP URI");
    assertThatThrownBy(
            () -> parse(referTo, "X-Baton-Transfer-Fallback: <tel:+16465550112>;timeout=0\r\n"))
        .hasMessage("Bad X-Baton-Transfer-Fallback timeout (seconds, at least 1)");
    String tenMore =
        "X-Baton-Transfer-Fallback: "
            + String.join(", ", Collections.nCopies(10, "<tel:+16465550112>"))
            + "\r\n";
    assertThatThrownBy(() -> parse(referTo, tenMore)).hasMessage("More than 10 transfer targets");
  }

  @Test
  void modeAndOnFailAreReadByTheWireContractsRule() throws Exception {
    ReferredTransfer t =
        parse(
            "Refer-To: <tel:+16465550111>\r\n",
            "X-Baton-Transfer-Mode: Blind\r\n",
            "X-Baton-On-Fail: HANGUP\r\n");

    assertThat(t.mode()).isEqualTo(TransferMode.BLIND);
    assertThat(t.onFail()).isEqualTo(OnFail.HANGUP);
  }
}
