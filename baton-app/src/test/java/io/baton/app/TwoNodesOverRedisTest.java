package io.baton.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.app.config.BatonConfig;
import io.baton.app.config.ConfigLoader;
import io.baton.media.PortPool;
import io.baton.sip.SipConfig;
import io.baton.ua.Answer;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import io.baton.ua.UserAgentConfig;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * Elements in two nodes that share nothing but Redis (the call registry) and the database, as two
 * processes would: node A runs the network, node B only the transfer server. The transfer server
 * finds the call through Redis and moves it over SIP. Uses the lab's configuration moved to ports
 * 17000-17199 (RTP 21000-22999) so it never collides with a running lab.
 */
class TwoNodesOverRedisTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void aTransferServerInAnotherNodeFindsAndMovesTheCallThroughRedis() throws Exception {
    Assumptions.assumeTrue(redisUp(), "Redis not reachable at 127.0.0.1:6379: skipped");
    String lab = Files.readString(Path.of("..", "config", "lab.yaml"));
    String prefix = "baton-test-" + UUID.randomUUID() + ":";
    String moved =
        lab.replaceAll("127\\.0\\.0\\.1:5(\\d{3})", "127.0.0.1:17$1")
                .replace("http: 127.0.0.1:8080", "http: 127.0.0.1:17180")
                .replace("ports: 20000-29999", "ports: 21000-21999")
                .replace("ports: 30000-30999", "ports: 22000-22499")
                .replace(
                    "jdbc:h2:file:./data/baton",
                    "jdbc:h2:mem:two-nodes-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                .replace("kind: memory", "kind: redis\n  redisPrefix: \"" + prefix + "\"")
            + "\nendpointMedia: {address: 127.0.0.1, ports: 22500-22999}\n";
    Path file = dir.resolve("two-nodes.yaml");
    Files.writeString(file, moved);
    BatonConfig config = new ConfigLoader().load(file, BatonConfig.class);
    Set<String> network =
        Set.copyOf(config.elements().stream().filter(e -> !e.equals("transfer")).toList());

    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    try (Node a = Node.start(config, network, Clock.systemUTC());
        Node b = Node.start(config, Set.of("transfer"), Clock.systemUTC());
        UserAgent caller =
            UserAgent.start(
                new UserAgentConfig("caller", SipConfig.at("127.0.0.1:17500"), Answer.AT_ONCE),
                new PortPool("127.0.0.1", 23000, 23099),
                scheduler,
                Clock.systemUTC())) {
      assertThat(a.running()).doesNotContain("transfer");
      assertThat(b.running()).containsExactly("transfer");

      UaCall call =
          caller.dial("sip:+18005550100@127.0.0.1:17060").awaitAnswered(Duration.ofSeconds(10));
      JsonNode found = get("/v1/calls/" + call.sipCallId());
      String callId = found.get("id").asText();
      assertThat(found.get("legs").size()).isGreaterThanOrEqualTo(4);

      JsonNode transfer = post("/v1/calls/" + callId + "/transfer", "{\"to\":\"target:sales\"}");
      String transferId = transfer.get("id").asText();
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> get("/v1/transfers/" + transferId).get("state").asText().equals("completed"));
      UserAgent sales = a.element("pstn-sales", UserAgent.class);
      await().atMost(Duration.ofSeconds(10)).until(() -> !sales.calls().isEmpty());
      long before = call.rtp().packetsReceived();
      await().atMost(Duration.ofSeconds(5)).until(() -> call.rtp().packetsReceived() > before + 10);
      call.hangUp();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> get("/v1/calls/" + callId).get("state").asText().equals("ended"));
    } finally {
      scheduler.shutdownNow();
      try (RedisClient jedis = RedisClient.create(URI.create("redis://127.0.0.1:6379"))) {
        List<String> keys = List.copyOf(jedis.keys(prefix + "*"));
        if (!keys.isEmpty()) {
          jedis.del(keys.toArray(String[]::new));
        }
      }
    }
  }

  private static boolean redisUp() {
    try (Socket s = new Socket("127.0.0.1", 6379)) {
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static JsonNode get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:17180" + path)).GET());
  }

  private static JsonNode post(String path, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:17180" + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static JsonNode send(HttpRequest.Builder b) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                b.header("Authorization", "Bearer acme-demo-key").build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    return JSON.readTree(r.body());
  }
}
