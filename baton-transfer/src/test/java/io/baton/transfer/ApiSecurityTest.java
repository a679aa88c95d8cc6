package io.baton.transfer;

import static io.baton.transfer.TransferFixture.ACME_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API on a hostile network, over real HTTP: floods and key guessing from one address are turned
 * away before they cost database queries, webhooks cannot point inside the network, and secrets are
 * not kept in plain text. Each test speaks from its own loopback address (127.0.0.x), as separate
 * clients would.
 */
class ApiSecurityTest {
  private static final TransferServerConfig.Clients CLIENTS =
      new TransferServerConfig.Clients(
          new TransferServerConfig.RateLimit(10, 30),
          new TransferServerConfig.RateLimit(1, 20),
          1000);
  private static TransferFixture lab;
  private static WebhookReceiver receiver;

  @BeforeAll
  static void start() throws Exception {
    lab =
        TransferFixture.start(
            "apisec",
            15495,
            15496,
            18094,
            TransferFixture.Options.DEFAULT.clients(CLIENTS).noLoopbackWebhooks());
    receiver = new WebhookReceiver(18095);
  }

  @AfterAll
  static void stop() {
    receiver.close();
    lab.close();
  }

  @AfterEach
  void thaw() {
    lab.clock.thaw();
  }

  /** A client whose requests come from {@code 127.0.0.<host>}. */
  private static HttpClient from(int host) throws Exception {
    return HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0." + host)).build();
  }

  private static HttpResponse<String> get(HttpClient client, String path, String key)
      throws Exception {
    return client.send(lab.request(path, key).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String randomKey() {
    return "guess-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  private static void assertLimited(HttpResponse<String> r, String detail) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith(Problem.MEDIA_TYPE));
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
    JsonNode p = lab.json(r);
    assertThat(p.get("type").asText()).isEqualTo(ProblemType.RATE_LIMITED.uri());
    assertThat(p.get("detail").asText()).startsWith(detail);
  }

  @Test
  void aFloodOfUnknownKeysFromOneAddressCostsBoundedQueriesThen429() throws Exception {
    lab.clock.freeze();
    HttpClient attacker = from(2);
    long before = lab.server.apiKeys().queries();

    int unauthorized = 0;
    for (int i = 0; i < 25; i++) {
      HttpResponse<String> r = get(attacker, "/v1/calls", randomKey());
      if (r.statusCode() == 401) {
        unauthorized++;
      } else {
        assertLimited(
            r,
            "too many failed authentications from 127.0.0.2, limited to 1/s (bursts of 20);"
                + " retry in 1 s");
      }
    }
    assertThat(unauthorized).as("the failed-authentication burst").isEqualTo(20);
    for (int i = 0; i < 200; i++) {
      assertThat(get(attacker, "/v1/calls", randomKey()).statusCode()).isEqualTo(429);
    }
    assertThat(lab.server.apiKeys().queries() - before)
        .as("database lookups for 225 random keys")
        .isEqualTo(20);
    assertThat(get(from(1), "/v1/calls?limit=1", ACME_KEY).statusCode())
        .as("another address is not affected")
        .isEqualTo(200);

    lab.clock.advance(Duration.ofSeconds(1)); // one failure refilled
    assertThat(get(attacker, "/v1/calls", randomKey()).statusCode()).isEqualTo(401);
    assertLimited(get(attacker, "/v1/calls", randomKey()), "too many failed authentications");
    assertThat(lab.server.apiKeys().queries() - before).isEqualTo(21);
  }

  @Test
  void oneUnknownKeyRepeatedIsLookedUpOnce() throws Exception {
    HttpClient client = from(3);
    String key = randomKey();
    long before = lab.server.apiKeys().queries();

    for (int i = 0; i < 10; i++) {
      assertThat(get(client, "/v1/calls", key).statusCode()).isEqualTo(401);
    }

    assertThat(lab.server.apiKeys().queries() - before).isEqualTo(1);
  }

  @Test
  void aFloodFromOneAddressIsAnswered429BeforeAnyKeyIsLookedUp() throws Exception {
    lab.clock.freeze();
    HttpClient flooder = from(4);
    for (int i = 0; i < 30; i++) {
      assertThat(get(flooder, "/v1/calls?limit=1", ACME_KEY).statusCode()).isEqualTo(200);
    }
    long before = lab.server.apiKeys().queries();

    assertLimited(
        get(flooder, "/v1/calls?limit=1", ACME_KEY),
        "requests from 127.0.0.4 are limited to 10/s (bursts of 30); retry in 1 s");
    for (int i = 0; i < 50; i++) {
      assertThat(get(flooder, "/v1/calls", randomKey()).statusCode()).isEqualTo(429);
    }
    assertLimited(get(flooder, "/health", null), "requests from 127.0.0.4");

    assertThat(lab.server.apiKeys().queries()).as("no lookups while limited").isEqualTo(before);
    lab.clock.advance(Duration.ofMillis(100));
    assertThat(get(flooder, "/v1/calls?limit=1", ACME_KEY).statusCode()).isEqualTo(200);
  }

  @Test
  void webhookUrlsIntoTheNetworkAre400NamingTheField() throws Exception {
    HttpClient client = from(5);
    List<String> refused =
        List.of(
            "https://127.0.0.1/hook",
            "https://localhost/hook",
            "https://localhost./hook",
            "https://[::1]/hook",
            "https://169.254.169.254/latest/meta-data/",
            "https://10.0.0.1/hook",
            "https://192.168.0.10/hook",
            "http://example.com/hook",
            receiver.url());
    for (String url : refused) {
      HttpResponse<String> r =
          client.send(
              lab.request("/v1/webhook", ACME_KEY)
                  .header("Content-Type", "application/json")
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"url\": \"" + url + "\", \"secret\": \"acme-webhook-secret-0123\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(400);
      JsonNode p = lab.json(r);
      assertThat(p.get("type").asText()).isEqualTo(ProblemType.INVALID_FIELD.uri());
      assertThat(p.get("detail").asText()).as(url).startsWith("url: ");
    }
    assertThat(get(client, "/v1/webhook", ACME_KEY).statusCode()).as("none was set").isEqualTo(404);
  }

  @Test
  void aStoredWebhookIntoTheNetworkIsRefusedAgainAtDeliveryAndItsSecretIsSealed() throws Exception {
    HttpResponse<String> set =
        lab.put(
            "/v1/webhook",
            ACME_KEY,
            "{\"url\": \"https://93.184.216.34/hook\", \"secret\": \"acme-webhook-secret-0123\"}");
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    assertThat(column("SELECT secret FROM webhooks WHERE tenant_id = 'acme'"))
        .doesNotContain("acme-webhook-secret")
        .isNotBlank();
    try {
      // As if the name had been rebound, or the row written behind the API's back.
      lab.db.withConnection(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement("UPDATE webhooks SET url = ? WHERE tenant_id = 'acme'")) {
              ps.setString(1, receiver.url());
              return ps.executeUpdate();
            }
          });
      lab.answeredCall(); // an event for acme's webhook

      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> column("SELECT MAX(last_error) FROM webhook_outbox WHERE tenant_id = 'acme'"),
              e -> e != null && e.startsWith("refused: '127.0.0.1' resolves to 127.0.0.1"));
      assertThat(receiver.deliveries()).as("nothing reached the receiver").isEmpty();
    } finally {
      assertThat(lab.delete("/v1/webhook", ACME_KEY).statusCode()).isEqualTo(204);
    }
  }

  private static String column(String sql) {
    return lab.db.withConnection(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql);
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
          }
        });
  }
}
