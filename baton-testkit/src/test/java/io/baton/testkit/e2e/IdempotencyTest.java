package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proxy.ProxyServer;
import io.baton.testkit.LabFixture;
import io.baton.ua.UaCall;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The same Idempotency-Key and body make one transfer and one REFER, however many arrive. */
class IdempotencyTest extends LabTest {

  @Test
  void aHundredConcurrentDuplicatesMakeOneTransferAndOneRefer() throws Exception {
    UaCall ua = call("+18005550100");
    String callId = callOf(ua).get("id").asText();
    ProxyServer proxy = lab.element("proxy", ProxyServer.class);
    long refersBefore = proxy.refersRelayed();
    String key = UUID.randomUUID().toString();
    String body = "{\"to\":\"target:sales\"}";
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      answers.add(
          http.sendAsync(
              HttpRequest.newBuilder(
                      URI.create(LabFixture.apiBase() + "/v1/calls/" + callId + "/transfer"))
                  .header("Authorization", "Bearer acme-demo-key")
                  .header("Idempotency-Key", key)
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofSeconds(30))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();

    // Beyond the key's burst the rate limit answers 429: those duplicates are retried once the
    // bucket refills, and must get the very same answer as the others.
    List<HttpResponse<String>> responses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> a : answers) {
      HttpResponse<String> r = a.join();
      while (r.statusCode() == 429) {
        Thread.sleep(100);
        r = http.send(r.request(), HttpResponse.BodyHandlers.ofString());
      }
      responses.add(r);
    }
    Set<Integer> statuses =
        responses.stream().map(HttpResponse::statusCode).collect(Collectors.toSet());
    Set<String> bodies = responses.stream().map(HttpResponse::body).collect(Collectors.toSet());
    assertThat(statuses).containsExactly(202);
    assertThat(bodies).as("one transfer, the same answer every time").hasSize(1);
    String transferId =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(bodies.iterator().next())
            .get("id")
            .asText();
    awaitTransfer(transferId, "completed");
    assertThat(proxy.refersRelayed() - refersBefore).as("REFERs relayed by the proxy").isEqualTo(1);
    assertThat(callOf(ua).get("transfers")).hasSize(1);

    // The same key with another body is refused, not run.
    var reused =
        acmeWithKey(key).post("/v1/calls/" + callId + "/transfer", "{\"to\":\"target:support\"}");
    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(proxy.refersRelayed() - refersBefore).isEqualTo(1);
    ua.hangUp();
    assertNothingLeaked(callId);
  }

  private static io.baton.testkit.Api acmeWithKey(String key) {
    return new io.baton.testkit.Api(
        LabFixture.apiBase(), "acme-demo-key", java.util.Map.of("Idempotency-Key", key));
  }
}
