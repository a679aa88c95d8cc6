package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.sip.Hep;
import io.baton.sip.HepConfig;
import io.baton.sip.HepExporter;
import io.baton.sip.HostPort;
import io.baton.sip.wire.HepPackets;
import io.baton.testkit.LabFixture;
import io.baton.testkit.PrometheusText;
import io.baton.ua.UaCall;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Metrics, call detail records, SIP capture and its HEP export, over the whole lab: a call to the
 * call center is transferred to sales and hung up, and each view shows it, to its tenant only.
 */
class ObservabilityTest extends LabTest {
  /** A HEP collector of the test: the lab exports to it. */
  private static final HostPort COLLECTOR = new HostPort("127.0.0.1", 16190);

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  static PrometheusText scrape() throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(LabFixture.apiBase() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/plain; version=0.0.4");
    promtool(r.body());
    return PrometheusText.parse(r.body());
  }

  /** {@code promtool check metrics}, Prometheus' own linter, when Debian's prometheus is there. */
  private static void promtool(String text) throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    if (!Files.isExecutable(promtool)) {
      return;
    }
    Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").start();
    try (var in = p.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String out =
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    // Lint notes about names of the JVM instrumentation are not ours; errors of the format are.
    assertThat(out).doesNotContain("error while linting");
    for (String line : out.lines().toList()) {
      if (line.startsWith("baton_")) {
        throw new AssertionError("promtool: " + line);
      }
    }
  }

  @Test
  void countersMoveAsACallIsTransferredAndTheMetricsParse() throws Exception {
    PrometheusText before = scrape();
    assertThat(before.type("baton_calls_total")).isEqualTo("counter");
    assertThat(before.type("baton_call_setup_seconds")).isEqualTo("histogram");
    assertThat(before.type("baton_transfer_duration_seconds")).isEqualTo("histogram");

    UaCall ua = call("+18005550100");
    String callId = callOf(ua).get("id").asText();
    PrometheusText during =
        await()
            .atMost(WAIT)
            .until(
                ObservabilityTest::scrape,
                m -> m.value("baton_legs_active", "element", "sbc-dest") >= 1);
    assertThat(during.type("baton_legs_active")).isEqualTo("gauge");
    assertThat(during.value("baton_calls_active")).isGreaterThanOrEqualTo(1);
    assertThat(during.value("baton_relay_ports_in_use", "element", "sbc-edge")).isPositive();
    assertThat(during.value("baton_call_setup_seconds_count"))
        .isGreaterThan(before.value("baton_call_setup_seconds_count"));
    assertThat(during.sum("baton_sip_messages_total"))
        .isGreaterThan(before.sum("baton_sip_messages_total"));
    assertThat(
            during.value(
                "baton_sip_messages_total",
                "element",
                "proxy",
                "direction",
                "in",
                "method",
                "INVITE",
                "status",
                "0"))
        .isGreaterThan(
            before.value(
                "baton_sip_messages_total",
                "element",
                "proxy",
                "direction",
                "in",
                "method",
                "INVITE",
                "status",
                "0"));

    awaitTransfer(transfer(callId, "{\"to\":\"target:sales\"}"), "completed");
    PrometheusText after = scrape();
    assertThat(after.value("baton_transfers_total", "outcome", "completed"))
        .isEqualTo(before.value("baton_transfers_total", "outcome", "completed") + 1);
    assertThat(after.value("baton_transfer_duration_seconds_count", "outcome", "completed"))
        .isEqualTo(
            before.value("baton_transfer_duration_seconds_count", "outcome", "completed") + 1);
    assertThat(
            after.value(
                "baton_sip_messages_total",
                "element",
                "transfer",
                "direction",
                "out",
                "method",
                "REFER",
                "status",
                "0"))
        .isGreaterThan(0);

    ua.hangUp();
    assertNothingLeaked(callId);
    PrometheusText ended =
        await()
            .atMost(WAIT)
            .until(
                ObservabilityTest::scrape,
                m ->
                    m.value("baton_calls_total", "outcome", "answered")
                        >= before.value("baton_calls_total", "outcome", "answered") + 1);

    // Every metric the Grafana dashboard queries is one Baton serves.
    Set<String> served = new HashSet<>();
    for (PrometheusText m : List.of(during, after, ended)) {
      served.addAll(m.names());
    }
    Matcher queried =
        Pattern.compile("\\b((?:baton|jvm)_[a-z_]+)")
            .matcher(
                Files.readString(
                    LabFixture.labConfig().getParent().resolveSibling("ops/grafana-baton.json")));
    int found = 0;
    while (queried.find()) {
      assertThat(served).as("ops/grafana-baton.json queries").contains(queried.group(1));
      found++;
    }
    assertThat(found).isGreaterThan(10);
  }

  @Test
  void aTransferredCallsRecordHasItsLegsCarrierAndCostsForItsTenantOnly() throws Exception {
    UaCall ua = call("+18005550100");
    String callId = callOf(ua).get("id").asText();
    String transferId = transfer(callId, "{\"to\":\"target:sales\"}");
    awaitTransfer(transferId, "completed");
    Thread.sleep(1200); // a second on the new path, so it bills
    ua.hangUp();

    JsonNode cdr = await().atMost(WAIT).until(() -> cdrOf(acme, callId), c -> c != null);
    assertThat(cdr.get("outcome").asText()).isEqualTo("answered");
    assertThat(cdr.get("transfers").get(0).get("id").asText()).isEqualTo(transferId);
    JsonNode carrierLeg = null;
    for (JsonNode leg : cdr.get("legs")) {
      if ("sbc-carrier".equals(leg.get("peer").asText())) {
        carrierLeg = leg;
      }
    }
    assertThat(carrierLeg).isNotNull();
    assertThat(carrierLeg.get("carrier").asText()).isEqualTo("cheapnet");
    assertThat(carrierLeg.get("path").asText()).isEqualTo("rerouted");
    assertThat(carrierLeg.get("ratePerMinute").decimalValue()).isEqualByComparingTo("0.0040");
    assertThat(carrierLeg.get("billedSeconds").asLong()).isPositive();
    assertThat(carrierLeg.get("cost").decimalValue()).isPositive();
    assertThat(cdr.get("releasedSeconds").asLong()).isPositive();
    assertThat(cdr.get("releasedCost").decimalValue()).isPositive();
    assertThat(cdr.get("reroutedCost").decimalValue())
        .isEqualByComparingTo(carrierLeg.get("cost").decimalValue());

    // globex sees none of it: not the call, its transfer, its messages nor its record.
    assertThat(cdrOf(globex, callId)).isNull();
    assertThat(globex.get("/v1/calls/" + callId).status()).isEqualTo(404);
    assertThat(globex.get("/v1/transfers/" + transferId).status()).isEqualTo(404);
    assertThat(globex.get("/v1/calls/" + callId + "/messages").status()).isEqualTo(404);
    for (JsonNode call : globex.get("/v1/calls?limit=1000").body().get("items")) {
      assertThat(call.get("tenant").asText()).isEqualTo("globex");
    }
    String csv = acme.get("/v1/cdrs?format=csv").raw().body();
    assertThat(csv).contains(callId).contains("cheapnet");
    assertThat(globex.get("/v1/cdrs?format=csv").raw().body()).doesNotContain(callId);
  }

  @Test
  void aHepCollectorGetsEveryMessageOfATransferredCallDecodable() throws Exception {
    List<Map<Integer, byte[]>> received = new CopyOnWriteArrayList<>();
    try (DatagramChannel collector = DatagramChannel.open();
        HepExporter exporter = HepExporter.start(new HepConfig(COLLECTOR, 2001))) {
      collector.bind(COLLECTOR.toSocketAddress());
      collector.socket().setSoTimeout(200);
      Thread reader = Thread.ofVirtual().start(() -> receive(collector, received));
      UaCall ua = call("+18005550100");
      String callId = callOf(ua).get("id").asText();
      awaitTransfer(transfer(callId, "{\"to\":\"target:sales\"}"), "completed");
      ua.hangUp();
      assertNothingLeaked(callId);

      JsonNode ladder = acme.get("/v1/calls/" + callId + "/messages").body().get("items");
      List<String> methods = new ArrayList<>();
      ladder.forEach(m -> methods.add(m.get("method").asText()));
      assertThat(methods).contains("INVITE", "ACK", "REFER", "NOTIFY", "BYE");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                List<String> payloads =
                    received.stream()
                        .map(c -> new String(c.get(Hep.PAYLOAD), StandardCharsets.UTF_8))
                        .toList();
                for (JsonNode m : ladder) {
                  assertThat(payloads)
                      .as(m.get("firstLine").asText())
                      .contains(m.get("text").asText());
                }
              });
      for (Map<Integer, byte[]> packet : received) {
        assertThat(packet.get(Hep.PROTOCOL_TYPE)).containsExactly(Hep.TYPE_SIP);
        assertThat(HepPackets.u32(packet, Hep.CAPTURE_AGENT_ID)).isEqualTo(2001);
        assertThat(InetAddress.getByAddress(packet.get(Hep.IPV4_SOURCE)).isLoopbackAddress())
            .isTrue();
        assertThat(HepPackets.u16(packet, Hep.SOURCE_PORT)).isPositive();
      }
      assertThat(exporter.dropped()).isZero();
      reader.interrupt();
    }
  }

  /** Reads HEP packets until interrupted or the channel closes; a bad one fails the test. */
  private static void receive(DatagramChannel collector, List<Map<Integer, byte[]>> into) {
    ByteBuffer buf = ByteBuffer.allocate(65_535);
    var socket = collector.socket();
    byte[] raw = new byte[65_535];
    while (!Thread.currentThread().isInterrupted() && collector.isOpen()) {
      var packet = new java.net.DatagramPacket(raw, raw.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        continue;
      } catch (IOException e) {
        return;
      }
      buf.clear();
      buf.put(raw, 0, packet.getLength()).flip();
      into.add(HepPackets.decode(buf));
    }
  }

  private static JsonNode cdrOf(io.baton.testkit.Api api, String callId) {
    for (JsonNode c : api.get("/v1/cdrs?limit=1000").body().get("items")) {
      if (c.get("callId").asText().equals(callId)) {
        return c;
      }
    }
    return null;
  }
}
