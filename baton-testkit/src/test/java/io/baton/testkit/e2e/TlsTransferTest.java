package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.sip.HostPort;
import io.baton.sip.wire.TestPki;
import io.baton.testkit.LabFixture;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The lab with SIP over mutual TLS inside the network (docs/security.md "SIP over TLS between
 * elements"): SBC-edge → redirect server, SBC-edge → proxy → SBC-dest and the transfer server →
 * proxy, each with a certificate from a lab CA made for this run. Each of those elements lists its
 * TLS neighbours with their certificate identity only, so a request that came over UDP, or over TLS
 * with another element's certificate, would be refused 403: a call that completes crossed TLS. The
 * caller still calls SBC-edge over UDP; SBC-edge → SBC-carrier stays UDP. Runs in a JVM of its own
 * (the lab is configured before it starts).
 */
@ExtendWith(TlsTransferTest.TlsLab.class)
class TlsTransferTest extends LabTest {

  /** Starts the lab with TLS before LabTest's {@code @BeforeAll} would start the plain one. */
  static final class TlsLab implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
      Path dir = Files.createTempDirectory("baton-lab-tls");
      ca = TestPki.create(dir, "lab-ca");
      LabFixture.lab(tree -> withTls(tree, ca));
    }
  }

  private static TestPki ca;

  static void withTls(ObjectNode tree, TestPki ca) {
    ObjectNode proxy = (ObjectNode) tree.get("proxy");
    tls(proxy, "proxy", 5081, ca);
    ((ObjectNode) proxy.withArray("routes").get(0)).put("to", "127.0.0.1:5091;transport=tls");
    peers(
        proxy,
        peer("sbc-edge", "invite", "in-dialog", "options"),
        peer("sbc-dest", "in-dialog", "options"),
        peer("transfer", "refer"));

    ObjectNode edge = (ObjectNode) tree.get("sbcs").get("sbc-edge");
    tls(edge, "sbc-edge", 5061, ca);
    ArrayNode edgePeers = edge.with("trust").withArray("peers");
    edgePeers.remove(0); // the proxy by its UDP address: now by certificate
    edgePeers.add(peer("proxy", "refer", "in-dialog", "options"));

    ObjectNode dest = (ObjectNode) tree.get("sbcs").get("sbc-dest");
    tls(dest, "sbc-dest", 5091, ca);
    ArrayNode destPeers = dest.with("trust").withArray("peers");
    destPeers.remove(0);
    destPeers.add(peer("proxy", "invite", "in-dialog", "options"));

    tls((ObjectNode) tree.get("transfer"), "transfer", 5111, ca);

    ObjectNode redirect = (ObjectNode) tree.get("redirect");
    tls(redirect, "redirect", 5071, ca);
    redirect.put("coreProxy", "127.0.0.1:5081;transport=tls");
    peers(redirect, peer("sbc-edge", "invite", "options"));
    edge.put("redirectServer", "sips:127.0.0.1:5071");
  }

  private static void tls(ObjectNode element, String identity, int port, TestPki ca) {
    ObjectNode sip = element.with("sip");
    ArrayNode transports = sip.putArray("transports").add("udp").add("tls");
    assertThat(transports).hasSize(2);
    ObjectNode tls = sip.putObject("tls");
    tls.put("listen", "127.0.0.1:" + port);
    tls.put("keyStore", ca.issue(identity + ".lab.baton.test").toString());
    tls.put("keyStorePassword", TestPki.PASSWORD);
    tls.put("trustStore", ca.trustStore().toString());
  }

  /** A neighbour known by its certificate: any address of the lab's, over TLS only. */
  private static ObjectNode peer(String name, String... may) {
    ObjectNode peer = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    peer.put("name", name + "-tls");
    peer.put("address", "127.0.0.1");
    peer.putObject("tls").put("identity", name + ".lab.baton.test");
    ArrayNode list = peer.putArray("may");
    for (String m : may) {
      list.add(m);
    }
    return peer;
  }

  private static void peers(ObjectNode element, ObjectNode... tlsPeers) {
    ArrayNode peers = element.with("trust").putArray("peers");
    for (ObjectNode p : tlsPeers) {
      peers.add(p);
    }
  }

  @Test
  void aCertificateFromTheLabCaNamingNoPeerGets403AtTheProxy() throws Exception {
    SSLContext mallory =
        ca.tls(new HostPort("127.0.0.1", 16050), "mallory.lab.baton.test").context();
    try (SSLSocket socket =
        (SSLSocket) mallory.getSocketFactory().createSocket("127.0.0.1", 5081)) {
      socket.setSoTimeout((int) WAIT.toMillis());
      String invite =
          "INVITE sip:+13125550100@127.0.0.1:5081;transport=tls SIP/2.0\r\n"
              + "Via: SIP/2.0/TLS 127.0.0.1:16050;branch=z9hG4bK-mallory-1\r\n"
              + "Max-Forwards: 70\r\n"
              + "From: <sip:mallory@127.0.0.1>;tag=m1\r\n"
              + "To: <sip:+13125550100@127.0.0.1>\r\n"
              + "Call-ID: mallory-tls-1@127.0.0.1\r\n"
              + "CSeq: 1 INVITE\r\n"
              + "Contact: <sip:mallory@127.0.0.1:16050;transport=tls>\r\n"
              + "Content-Length: 0\r\n\r\n";
      socket.getOutputStream().write(invite.getBytes(StandardCharsets.US_ASCII));
      String status = firstLineNot100(socket);
      assertThat(status).startsWith("SIP/2.0 403");
    }
  }

  /** The first status line read that is not a 100 Trying. */
  private static String firstLineNot100(SSLSocket socket) throws IOException {
    var in =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.startsWith("SIP/2.0 ") && !line.startsWith("SIP/2.0 100")) {
        return line;
      }
    }
    return "closed";
  }

  @Test
  void aCallAndATransferCrossTheNetworkOverTlsWithAudio() throws Exception {
    UaCall ua = call("+18005550100");
    String callId = callOf(ua).get("id").asText();
    assertThat(callOf(ua).get("state").asText()).isEqualTo("active");
    var atCallCenter = callcenter().call(callId).orElseThrow();
    assertReceiving(ua.rtp(), "caller");
    assertReceiving(atCallCenter.rtp(), "call center");

    UserAgent sales = endpoint("pstn-sales");
    int salesCallsBefore = sales.calls().size();
    String transferId = transfer(callId, "{\"to\":\"target:sales\"}");
    JsonNode transfer = awaitTransfer(transferId, "completed");

    assertThat(transfer.get("callId").asText()).isEqualTo(callId);
    atCallCenter.awaitEnded(WAIT);
    await().atMost(WAIT).until(() -> sales.calls().size() > salesCallsBefore);
    UaCall atSales = sales.calls().get(sales.calls().size() - 1);
    assertThat(ua.state().name()).isEqualTo("CONFIRMED");
    assertThat(ua.inDialogRequests()).doesNotContain("INVITE", "BYE");
    assertReceiving(atSales.rtp(), "second destination");
    assertReceiving(ua.rtp(), "caller after transfer");
    assertHearing(atSales.rtp(), "second destination");
    assertHearing(ua.rtp(), "caller after transfer");

    ua.hangUp();
    atSales.awaitEnded(WAIT);
    assertNothingLeaked(callId);
  }
}
