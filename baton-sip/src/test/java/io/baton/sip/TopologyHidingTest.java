package io.baton.sip;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;

/** What a response to an outsider keeps of what inner elements wrote. */
class TopologyHidingTest {

  private static Response response(int status, String reason) throws Exception {
    Messages m = Messages.get();
    HostPort at = new HostPort("127.0.0.1", 5060);
    Request invite =
        m.messageFactory()
            .createRequest(
                "INVITE sip:+18005550100@127.0.0.1:5060 SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-1\r\n"
                    + "From: <sip:alice@198.51.100.7>;tag=a\r\n"
                    + "To: <sip:+18005550100@"
                    + at
                    + ">\r\n"
                    + "Call-ID: c1@198.51.100.7\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
                    + "Content-Length: 0\r\n\r\n");
    Response response = m.messageFactory().createResponse(status, invite);
    response.setReasonPhrase(reason);
    m.addHeader(response, "Server", "Baton callcenter/0.1");
    m.addHeader(response, "Warning", "399 callcenter.internal \"no PCMU or PCMA\"");
    m.addHeader(response, "X-Baton-Call-Id", "c-0123456789abcdef");
    m.addHeader(response, "User-Agent", "sbc-dest");
    m.addHeader(response, "Reason", "SIP;cause=488;text=\"callcenter\"");
    return response;
  }

  @Test
  void theReasonPhraseIsTheStandardOneAndNothingNamesAnElement() throws Exception {
    Response response = response(488, "no PCMU or PCMA");
    TopologyHiding.scrub(response);
    assertThat(response.getReasonPhrase()).isEqualTo("Not Acceptable Here");
    String wire = response.toString();
    assertThat(wire)
        .doesNotContain("callcenter")
        .doesNotContain("X-Baton")
        .doesNotContain("sbc-dest")
        .doesNotContain("PCMU")
        .contains("Call-ID: c1@198.51.100.7")
        .contains("Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-1");
  }

  @Test
  void everyCodeHasAPhraseThatNamesNothing() {
    assertThat(TopologyHiding.standardPhrase(180)).isEqualTo("Ringing");
    assertThat(TopologyHiding.standardPhrase(403)).isEqualTo("Forbidden");
    assertThat(TopologyHiding.standardPhrase(422)).isEqualTo("Session Interval Too Small");
    assertThat(TopologyHiding.standardPhrase(499)).isEqualTo("Request Failure");
    assertThat(TopologyHiding.standardPhrase(599)).isEqualTo("Server Failure");
    assertThat(TopologyHiding.standardPhrase(699)).isEqualTo("Global Failure");
  }
}
