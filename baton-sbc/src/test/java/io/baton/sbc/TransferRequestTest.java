package io.baton.sbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.PeerNames;
import java.time.Duration;
import java.util.Map;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;

/** Reading a REFER as the proxy sends it to SBC-edge (docs "The transfer" steps 3-4). */
class TransferRequestTest {
  private static final TransferConfig CONFIG =
      new TransferConfig(Duration.ofSeconds(30), Duration.ofSeconds(300));
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

  @Test
  void aTelNumberGoesThroughTheRedirectServerWithTheDefaults() throws Exception {
    TransferRequest t =
        TransferRequest.parse(refer("Refer-To: <tel:+16465550111>\r\n"), CONFIG, PEERS);

    assertThat(t.destination()).isEqualTo(new Destination.ViaRedirect("+16465550111"));
    assertThat(t.mode()).isEqualTo(TransferMode.MAKE_BEFORE_BREAK);
    assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(t.referCSeq()).isEqualTo(7);
  }

  @Test
  void aSipUriIsDialledDirectlyWithoutItsEmbeddedHeaders() throws Exception {
    TransferRequest t =
        TransferRequest.parse(
            refer(
                "Refer-To: <sip:support@127.0.0.1:5131?Replaces=abc>\r\n",
                "X-Baton-Transfer-Mode: blind\r\n",
                "X-Baton-Transfer-Timeout: 600\r\n"),
            CONFIG,
            PEERS);

    Target target = ((Destination.Direct) t.destination()).targets().get(0);
    assertThat(target.uri().toString()).isEqualTo("sip:support@127.0.0.1:5131");
    assertThat(target.peer()).isEqualTo("support");
    assertThat(t.mode()).isEqualTo(TransferMode.BLIND);
    assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(300)); // capped at maxTimeout
  }

  @Test
  void whatCannotBeExecutedIsABadRequest() {
    assertThatThrownBy(() -> TransferRequest.parse(refer(), CONFIG, PEERS))
        .hasMessage("Missing Refer-To");
    assertThatThrownBy(
            () -> TransferRequest.parse(refer("Refer-To: <tel:5550111>\r\n"), CONFIG, PEERS))
        .hasMessageContaining("not E.164");
    assertThatThrownBy(
            () ->
                TransferRequest.parse(
                    refer("Refer-To: <tel:+16465550111>\r\n", "X-Baton-Transfer-Timeout: soon\r\n"),
                    CONFIG,
                    PEERS))
        .hasMessageContaining("X-Baton-Transfer-Timeout");
    assertThatThrownBy(
            () ->
                TransferRequest.parse(
                    refer("Refer-To: <tel:+16465550111>\r\n", "X-Baton-Transfer-Mode: later\r\n"),
                    CONFIG,
                    PEERS))
        .hasMessageContaining("X-Baton-Transfer-Mode");
  }
}
