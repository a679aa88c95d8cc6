package io.baton.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.contract.BatonHeaders;
import io.baton.sip.wire.HepPackets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Capture of real SIP exchanges between two stacks, and their HEP v3 export to a UDP receiver. */
class SipCaptureTest {
  private static final HostPort UAS = new HostPort("127.0.0.1", 15070);
  private static final HostPort UAC = new HostPort("127.0.0.1", 15071);
  private static final HostPort COLLECTOR = new HostPort("127.0.0.1", 15072);
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private final List<CapturedMessage> captured = new CopyOnWriteArrayList<>();
  private final SipCapture.Listener listener = captured::add;

  @AfterEach
  void close() throws Exception {
    SipCapture.removeListener(listener);
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  private SipEndpoint start(String name, HostPort at, SipHandler handler) throws Exception {
    SipEndpoint ep = SipEndpoint.start(name, StackMode.USER_AGENT, SipConfig.at(at), handler);
    open.add(ep);
    return ep;
  }

  private String options(SipEndpoint uac) throws Exception {
    Request options =
        uac.request(Request.OPTIONS, uac.messages().uri("bob", UAS))
            .header(BatonHeaders.CALL_ID, "c-0123456789abcdef")
            .build();
    assertThat(uac.send(options).finalResponse().get(5, TimeUnit.SECONDS).getStatusCode())
        .isEqualTo(200);
    return ((javax.sip.header.CallIdHeader) options.getHeader("Call-ID")).getCallId();
  }

  @Test
  void everyMessageIsCapturedSentAndReceivedWithItsAddressesAndCorrelation() throws Exception {
    start("uas", UAS, req -> req.respond(200));
    SipEndpoint uac = start("uac", UAC, req -> {});
    SipCapture.addListener(listener);

    String callId = options(uac);

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> captured.stream().filter(m -> m.callId().equals(callId)).count() == 4);
    List<CapturedMessage> mine = captured.stream().filter(m -> m.callId().equals(callId)).toList();
    CapturedMessage sentRequest =
        mine.stream().filter(m -> m.isRequest() && m.sent()).findFirst().orElseThrow();
    assertThat(sentRequest.element()).isEqualTo("uac");
    assertThat(sentRequest.source()).isEqualTo(UAC);
    assertThat(sentRequest.destination()).isEqualTo(UAS);
    assertThat(sentRequest.method()).isEqualTo("OPTIONS");
    assertThat(sentRequest.transport()).isEqualTo("UDP");
    assertThat(sentRequest.batonCallId()).isEqualTo("c-0123456789abcdef");
    assertThat(sentRequest.firstLine()).startsWith("OPTIONS sip:bob@127.0.0.1:15070");
    assertThat(sentRequest.text()).contains("X-Baton-Call-Id: c-0123456789abcdef");
    assertThat(sentRequest.echo()).isFalse();
    CapturedMessage receivedRequest =
        mine.stream().filter(m -> m.isRequest() && !m.sent()).findFirst().orElseThrow();
    assertThat(receivedRequest.element()).isEqualTo("uas");
    assertThat(receivedRequest.source()).isEqualTo(UAC);
    assertThat(receivedRequest.echo()).as("its sender is a stack of this process").isTrue();
    CapturedMessage response =
        mine.stream().filter(m -> !m.isRequest() && m.sent()).findFirst().orElseThrow();
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.method()).isEqualTo("OPTIONS");
    assertThat(response.element()).isEqualTo("uas");
    assertThat(mine.stream().filter(m -> !m.echo()).count())
        .as("each message on the wire once")
        .isEqualTo(2);
    assertThat(mine.stream().map(CapturedMessage::seq).distinct().count()).isEqualTo(4);
  }

  @Test
  void nothingIsCapturedWithoutAListener() throws Exception {
    start("uas", UAS, req -> req.respond(200));
    SipEndpoint uac = start("uac", UAC, req -> {});
    assertThat(SipCapture.active()).isFalse();
    options(uac);
    assertThat(captured).isEmpty();
  }

  @Test
  void hepExportSendsEachWireMessageOnceDecodable() throws Exception {
    try (DatagramChannel collector = DatagramChannel.open()) {
      collector.bind(COLLECTOR.toSocketAddress());
      start("uas", UAS, req -> req.respond(200));
      SipEndpoint uac = start("uac", UAC, req -> {});
      HepExporter exporter = HepExporter.start(new HepConfig(COLLECTOR, 2001));
      open.add(exporter);
      Instant before = Instant.now().minusSeconds(1);

      String callId = options(uac);

      collector.configureBlocking(true);
      collector.socket().setSoTimeout(5000);
      List<Map<Integer, byte[]>> packets = new CopyOnWriteArrayList<>();
      ByteBuffer buf = ByteBuffer.allocate(65535);
      while (packets.size() < 2) {
        buf.clear();
        InetSocketAddress from = (InetSocketAddress) collector.receive(buf);
        assertThat(from).isNotNull();
        buf.flip();
        Map<Integer, byte[]> chunks = HepPackets.decode(buf);
        if (payload(chunks).contains(callId)) {
          packets.add(chunks);
        }
      }
      // The request's capture and the response's are published by different stack threads, so
      // they may reach the collector in either order (HEP consumers order by capture time).
      packets.sort(Comparator.comparing(p -> payload(p).startsWith("SIP/2.0") ? 1 : 0));
      Map<Integer, byte[]> request = packets.get(0);
      assertThat(payload(request)).startsWith("OPTIONS sip:bob@127.0.0.1:15070");
      assertThat(request.get(Hep.IP_FAMILY)).containsExactly(Hep.FAMILY_IPV4);
      assertThat(request.get(Hep.IP_PROTOCOL)).containsExactly(Hep.PROTOCOL_UDP);
      assertThat(InetAddress.getByAddress(request.get(Hep.IPV4_SOURCE)).getHostAddress())
          .isEqualTo("127.0.0.1");
      assertThat(HepPackets.u16(request, Hep.SOURCE_PORT)).isEqualTo(15071);
      assertThat(HepPackets.u16(request, Hep.DESTINATION_PORT)).isEqualTo(15070);
      assertThat(request.get(Hep.PROTOCOL_TYPE)).containsExactly(Hep.TYPE_SIP);
      assertThat(HepPackets.u32(request, Hep.CAPTURE_AGENT_ID)).isEqualTo(2001);
      long seconds = HepPackets.u32(request, Hep.TIME_SECONDS);
      assertThat(seconds).isBetween(before.getEpochSecond(), Instant.now().getEpochSecond());
      assertThat(ByteBuffer.wrap(request.get(Hep.TIME_MICROS)).getInt()).isBetween(0, 999_999);
      assertThat(payload(packets.get(1))).startsWith("SIP/2.0 200");
      await().atMost(Duration.ofSeconds(2)).until(() -> exporter.sent() >= 2);
      assertThat(exporter.dropped()).isZero();
    }
  }

  @Test
  void aMessageTooLargeForHepIsRefusedAndAddressesMustBeLiterals() {
    CapturedMessage huge =
        new CapturedMessage(
            1,
            Instant.now(),
            "x",
            true,
            false,
            UAC,
            UAS,
            "UDP",
            "id",
            null,
            "INFO",
            0,
            "INFO sip:x SIP/2.0",
            "x".repeat(70_000));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Hep.encode(huge, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not fit");
    CapturedMessage named =
        new CapturedMessage(
            1,
            Instant.now(),
            "x",
            true,
            false,
            new HostPort("example.com", 5060),
            UAS,
            "UDP",
            "id",
            null,
            "INFO",
            0,
            "INFO sip:x SIP/2.0",
            "INFO sip:x SIP/2.0\r\n\r\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Hep.encode(named, 1))
        .hasMessageContaining("not an IP address");
  }

  private static String payload(Map<Integer, byte[]> chunks) {
    return new String(chunks.get(Hep.PAYLOAD), StandardCharsets.UTF_8);
  }
}
