package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.baton.testkit.LabFixture;
import io.baton.ua.UaCall;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Every transition is published: to the tenant's event stream and, signed, to its webhook. */
class EventsAndWebhooksTest extends LabTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "e2e-webhook-secret-0123456789";

  private record Delivery(String signature, byte[] body, JsonNode event) {}

  @Test
  void theWebhookSeesEveryTransitionOfATransferInOrderSigned() throws Exception {
    List<Delivery> received = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 16080), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(
              new Delivery(
                  exchange.getRequestHeaders().getFirst("Baton-Signature"),
                  body,
                  JSON.readTree(body)));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    try {
      assertThat(
              acme.put(
                      "/v1/webhook",
                      "{\"url\":\"http://127.0.0.1:16080/hook\",\"secret\":\"" + SECRET + "\"}")
                  .status())
          .isBetween(200, 204);
      UaCall ua = call("+18005550100");
      String callId = callOf(ua).get("id").asText();
      String transferId = transfer(callId, "{\"to\":\"target:sales\"}");
      JsonNode done = awaitTransfer(transferId, "completed");

      List<String> expected = states(done);
      await()
          .atMost(WAIT)
          .until(() -> transferStates(received, transferId).size() >= expected.size());
      assertThat(transferStates(received, transferId))
          .as("every transition, in order")
          .isEqualTo(expected);
      for (Delivery d : received) {
        assertThat(validSignature(d)).as("signature of event %s", d.event().get("id")).isTrue();
      }
      long[] ids = received.stream().mapToLong(d -> d.event().get("id").asLong()).toArray();
      for (int i = 1; i < ids.length; i++) {
        assertThat(ids[i]).as("event ids grow").isGreaterThan(ids[i - 1]);
      }
      readmeVerifierAcceptsGoodAndRefusesTamperedOrStale(received.get(0));
      ua.hangUp();
      assertNothingLeaked(callId);
    } finally {
      acme.delete("/v1/webhook");
      receiver.stop(0);
    }
  }

  @Test
  void theEventStreamCarriesATenantsOwnTransfersOnly() throws Exception {
    List<String> acmeLines = new CopyOnWriteArrayList<>();
    List<String> globexLines = new CopyOnWriteArrayList<>();
    Thread a = stream("acme-demo-key", acmeLines);
    Thread g = stream("globex-demo-key", globexLines);
    try {
      await().atMost(WAIT).until(() -> !acmeLines.isEmpty() && !globexLines.isEmpty());
      UaCall ua = call("+18005550100");
      String callId = callOf(ua).get("id").asText();
      String transferId = transfer(callId, "{\"to\":\"target:sales\"}");
      awaitTransfer(transferId, "completed");

      await()
          .atMost(WAIT)
          .until(
              () ->
                  acmeLines.stream()
                      .anyMatch(l -> l.contains(transferId) && l.contains("\"completed\"")));
      assertThat(acmeLines).anyMatch(l -> l.equals("event: transfer.updated"));
      assertThat(acmeLines).anyMatch(l -> l.equals("event: call.updated"));
      assertThat(globexLines).noneMatch(l -> l.contains(transferId) || l.contains(callId));
      ua.hangUp();
      assertNothingLeaked(callId);
    } finally {
      a.interrupt();
      g.interrupt();
    }
  }

  /** Reads {@code GET /v1/events} as {@code key} on a virtual thread, line by line. */
  private static Thread stream(String key, List<String> lines) {
    return Thread.ofVirtual()
        .start(
            () -> {
              try {
                HttpResponse<java.io.InputStream> r =
                    HttpClient.newHttpClient()
                        .send(
                            HttpRequest.newBuilder(URI.create(LabFixture.apiBase() + "/v1/events"))
                                .header("Authorization", "Bearer " + key)
                                .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null
                      && !Thread.currentThread().isInterrupted()) {
                    lines.add(line);
                  }
                }
              } catch (Exception e) {
                // the stream ends when the test interrupts it
              }
            });
  }

  private static List<String> transferStates(List<Delivery> received, String transferId) {
    List<String> out = new ArrayList<>();
    for (Delivery d : received) {
      JsonNode data = d.event().get("data");
      if (d.event().get("type").asText().equals("transfer.updated")
          && data.get("id").asText().equals(transferId)) {
        out.add(data.get("state").asText());
      }
    }
    return out;
  }

  private static boolean validSignature(Delivery d) throws Exception {
    String[] parts = d.signature().split(",");
    String t = parts[0].substring(2);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(mac.doFinal(d.body())).equals(parts[1].substring(3));
  }

  /** The README's verifier (run as written there) on a real delivery, and on forged ones. */
  private static void readmeVerifierAcceptsGoodAndRefusesTamperedOrStale(Delivery d)
      throws Exception {
    Assumptions.assumeTrue(python3(), "python3 not on PATH: README verifier not run");
    String readme = Files.readString(Path.of("..", "README.md"));
    String code =
        readme
            .substring(
                readme.indexOf("<!-- verifier:start -->"), readme.indexOf("<!-- verifier:end -->"))
            .lines()
            .filter(l -> !l.startsWith("<!--") && !l.startsWith("```"))
            .reduce("", (x, y) -> x + y + "\n");
    long t = Long.parseLong(d.signature().split(",")[0].substring(2));
    Path body = Files.createTempFile("delivery", ".json");
    Files.write(body, d.body());
    Path tampered = Files.createTempFile("tampered", ".json");
    Files.write(
        tampered,
        new String(d.body(), StandardCharsets.UTF_8)
            .replace("\"state\":\"", "\"state\":\"x")
            .getBytes(StandardCharsets.UTF_8));
    assertThat(runVerifier(code, SECRET, d.signature(), body, t)).isEqualTo("True");
    assertThat(runVerifier(code, SECRET, d.signature(), tampered, t)).isEqualTo("False");
    assertThat(runVerifier(code, "wrong-secret-0123456789", d.signature(), body, t))
        .isEqualTo("False");
    assertThat(runVerifier(code, SECRET, d.signature(), body, t + 301))
        .as("stale")
        .isEqualTo("False");
  }

  private static String runVerifier(String code, String secret, String header, Path body, long now)
      throws Exception {
    Process p =
        new ProcessBuilder(
                "python3",
                "-c",
                code
                    + "\nimport sys\nprint(verify(sys.argv[1], sys.argv[2], open(sys.argv[3], 'rb').read(), int(sys.argv[4])))",
                secret,
                header,
                body.toString(),
                Long.toString(now))
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }

  private static boolean python3() {
    try {
      return new ProcessBuilder("python3", "--version").start().waitFor(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }
}
