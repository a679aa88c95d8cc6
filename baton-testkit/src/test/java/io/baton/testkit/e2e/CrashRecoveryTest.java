package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.baton.app.Node;
import io.baton.app.config.BatonConfig;
import io.baton.app.config.ConfigLoader;
import io.baton.media.PortPool;
import io.baton.sip.SipConfig;
import io.baton.testkit.Api;
import io.baton.testkit.LabFixture;
import io.baton.ua.Answer;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import io.baton.ua.UserAgentConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * Nothing acknowledged is lost (docs/transfers.md, "Durability"): a Baton process is killed with
 * SIGKILL at many instants after it answered a transfer {@code 202}, each time on a fresh call, and
 * started again on the same H2 file. The transfer is still there, reaches a final state that is
 * true (the API and the tenant's webhook say so), and its Idempotency-Key answers with it again.
 * The processes are real JVMs forked from this one ({@code io.baton.app.Main}) on the lab's
 * configuration moved to ports 19000-19299 (RTP 33000-35099), clear of the lab of the other tests.
 */
class CrashRecoveryTest {
  /** Milliseconds from the 202 to the kill of the whole lab. */
  private static final List<Integer> INSTANTS =
      List.of(0, 5, 20, 50, 100, 200, 500, 1000, 1600, 3000);

  /** ... and of the transfer server alone: before the REFER, around it, after the outcome. */
  private static final List<Integer> SERVER_INSTANTS = List.of(0, 20, 100, 500, 1600, 3000);

  private static final Duration UP = Duration.ofSeconds(90);
  private static final Duration FINAL = Duration.ofSeconds(20);
  private static final String API = "http://127.0.0.1:19180";
  private static final String EDGE = "127.0.0.1:19060";
  private static final String HOOK = "http://127.0.0.1:19280/hook";
  private static final String BODY = "{\"to\":\"target:sales\"}";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path LOGS = Path.of("target", "crash");

  private static final ScheduledExecutorService SCHEDULER = Executors.newScheduledThreadPool(2);
  private static final Map<String, List<String>> HOOKED = new ConcurrentHashMap<>();
  private static HttpServer receiver;
  private static UserAgent caller;

  @TempDir Path dir;

  /** The tenant's webhook: every {@code transfer.updated} it gets, as the transfer's states. */
  @BeforeAll
  static void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 19280), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          JsonNode event = JSON.readTree(exchange.getRequestBody().readAllBytes());
          if (event.get("type").asText().equals("transfer.updated")) {
            JsonNode t = event.get("data");
            HOOKED
                .computeIfAbsent(t.get("id").asText(), k -> new CopyOnWriteArrayList<>())
                .add(t.get("state").asText());
          }
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    caller =
        UserAgent.start(
            new UserAgentConfig("crash-caller", SipConfig.at("127.0.0.1:19500"), Answer.AT_ONCE),
            new PortPool("127.0.0.1", 35000, 35099),
            SCHEDULER,
            Clock.systemUTC());
    Files.createDirectories(LOGS);
  }

  @AfterAll
  static void stop() {
    caller.close();
    receiver.stop(0);
    SCHEDULER.shutdownNow();
  }

  /**
   * Memory registry: the whole lab is one process, so the kill drops the call with it. A transfer
   * not over when it died fails, because the call is gone; none is lost.
   */
  @Test
  void theWholeLabKilledAtAnyInstantAfterThe202LosesNoTransfer() throws Exception {
    Path config = write("lab.yaml", moved("memory", h2File()));
    List<String> summary =
        crashAtEach(
            INSTANTS,
            () -> Forked.start("lab", "lab", "--config", config.toString(), "--quiet"),
            (ms, accepted, done) -> {
              String state = done.get("state").asText();
              assertThat(state)
                  .as("killed %d ms after the 202: %s", ms, done)
                  .isIn("completed", "failed");
              if (state.equals("failed")) {
                assertThat(done.get("reason").asText())
                    .isEqualTo(
                        "transfer server restarted; the call is no longer in the call registry");
              }
            });
    System.out.println("CrashRecoveryTest, whole lab killed after the 202: " + summary);
  }

  /**
   * Redis registry: the network runs here, only the transfer server is killed, so the call lives on
   * and SBC-edge finishes what it was given. After the restart the transfer ends as the call's legs
   * show: completed only if the caller is on the new leg with the old path released, failed only if
   * the caller is still on the first path.
   */
  @Test
  void theTransferServerKilledAtAnyInstantAfterThe202EndsAsTheLegsShow() throws Exception {
    Assumptions.assumeTrue(redisUp(), "Redis not reachable at 127.0.0.1:6379: skipped");
    String prefix = "baton-crash-" + UUID.randomUUID() + ":";
    Path transferConfig = write("transfer.yaml", moved(prefix, h2File()));
    // The network's redirect server reads the same seed from a database of its own.
    Path networkConfig =
        write(
            "network.yaml",
            moved(prefix, "jdbc:h2:mem:crash-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"));
    BatonConfig network = new ConfigLoader().load(networkConfig, BatonConfig.class);
    Set<String> elements =
        Set.copyOf(network.elements().stream().filter(e -> !e.equals("transfer")).toList());
    List<String> summary;
    try (Node net = Node.start(network, elements, Clock.systemUTC())) {
      summary =
          crashAtEach(
              SERVER_INSTANTS,
              () ->
                  Forked.start(
                      "transfer", "run", "transfer", "--config", transferConfig.toString()),
              (ms, accepted, done) -> {
                String state = done.get("state").asText();
                Map<String, String> legs =
                    edgeLegs(acme().get("/v1/calls/" + accepted.callId()).body());
                if (state.equals("completed")) {
                  assertThat(legs)
                      .as("killed %d ms after the 202, completed: %s", ms, done)
                      .containsEntry("sbc-carrier", "active")
                      .containsEntry("proxy", "released");
                } else {
                  assertThat(state)
                      .as("killed %d ms after the 202: %s", ms, done)
                      .isEqualTo("failed");
                  assertThat(legs)
                      .as("failed: the caller stays on the first path")
                      .containsEntry("proxy", "active")
                      .doesNotContainEntry("sbc-carrier", "active");
                }
              });
    } finally {
      try (RedisClient jedis = RedisClient.create(URI.create("redis://127.0.0.1:6379"))) {
        List<String> keys = List.copyOf(jedis.keys(prefix + "*"));
        if (!keys.isEmpty()) {
          jedis.del(keys.toArray(String[]::new));
        }
      }
    }
    System.out.println("CrashRecoveryTest, transfer server killed after the 202: " + summary);
  }

  /** Starts the process the test kills. */
  @FunctionalInterface
  private interface Starter {
    Forked start() throws Exception;
  }

  /** What must hold of a transfer that ended after the kill {@code ms} after its 202. */
  @FunctionalInterface
  private interface Check {
    void check(int ms, Accepted accepted, JsonNode done);
  }

  /**
   * For each instant: a fresh call and transfer, SIGKILL {@code ms} after the 202, a new process on
   * the same database; the transfer is found and ends as {@code check} says, its key answers with
   * it, the webhook gets its final state. Returns what each instant ended in.
   */
  private static List<String> crashAtEach(List<Integer> instants, Starter starter, Check check)
      throws Exception {
    List<String> summary = new ArrayList<>();
    Forked process = starter.start();
    try {
      for (int ms : instants) {
        Accepted accepted = callAndTransfer();
        Thread.sleep(ms);
        process.kill();
        process = starter.start();

        JsonNode done = awaitFinal(accepted.transferId());
        check.check(ms, accepted, done);
        String state = done.get("state").asText();
        assertReplayedAndHooked(accepted, state);
        accepted.call().hangUp();
        summary.add(ms + " ms: " + state);
      }
    } finally {
      process.kill();
    }
    return summary;
  }

  // ---- one instant

  /** A transfer answered 202, the call it moves and the key it was asked with. */
  private record Accepted(UaCall call, String callId, String key, Api.Reply reply) {
    String transferId() {
      return reply.body().get("id").asText();
    }
  }

  /** A fresh call through SBC-edge, answered by the call center, and a transfer of it to sales. */
  private static Accepted callAndTransfer() throws Exception {
    UaCall call = caller.dial("sip:+18005550100@" + EDGE).awaitAnswered(Duration.ofSeconds(10));
    JsonNode found =
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> acme().get("/v1/calls/" + call.sipCallId()), r -> r.status() == 200)
            .body();
    String callId = found.get("id").asText();
    String key = UUID.randomUUID().toString();
    Api.Reply reply = keyed(key).post("/v1/calls/" + callId + "/transfer", BODY);
    assertThat(reply.status()).as("POST transfer: %s", reply.body()).isEqualTo(202);
    return new Accepted(call, callId, key, reply);
  }

  /** The transfer exists after the restart and reaches a final state within {@link #FINAL}. */
  private static JsonNode awaitFinal(String transferId) {
    Api.Reply found = acme().get("/v1/transfers/" + transferId);
    assertThat(found.status())
        .as("the acknowledged transfer %s survived", transferId)
        .isEqualTo(200);
    return await()
        .atMost(FINAL)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> acme().get("/v1/transfers/" + transferId).body(),
            t ->
                Set.of("completed", "failed", "rolled_back", "cancelled")
                    .contains(t.get("state").asText()));
  }

  /** The key answers with the first answer again, and the webhook got the final state. */
  private static void assertReplayedAndHooked(Accepted accepted, String state) {
    Api.Reply again =
        keyed(accepted.key()).post("/v1/calls/" + accepted.callId() + "/transfer", BODY);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.raw().body())
        .as("the first answer, replayed")
        .isEqualTo(accepted.reply().raw().body());
    await()
        .atMost(FINAL)
        .untilAsserted(
            () ->
                assertThat(HOOKED.getOrDefault(accepted.transferId(), List.of()))
                    .as("webhook deliveries of %s", accepted.transferId())
                    .contains(state));
  }

  /** SBC-edge's legs of a call resource by peer, with their states (the newest per peer). */
  private static Map<String, String> edgeLegs(JsonNode call) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode leg : call.get("legs")) {
      if (leg.get("element").asText().equals("sbc-edge")) {
        out.put(leg.get("peer").asText(), leg.get("state").asText());
      }
    }
    return out;
  }

  private static Api acme() {
    return new Api(API, "acme-demo-key");
  }

  private static Api keyed(String key) {
    return new Api(API, "acme-demo-key", Map.of("Idempotency-Key", key));
  }

  // ---- configuration and processes

  /** The H2 file every run of the killed process opens. */
  private String h2File() {
    return "jdbc:h2:file:" + dir.resolve("baton");
  }

  /**
   * The lab's configuration on ports 19000-19299 and RTP 33000-35099, the acme tenant's webhook at
   * {@link #HOOK}, the registry in memory ({@code "memory"}) or in Redis under the prefix {@code
   * registry}, the database at {@code databaseUrl}.
   */
  private static String moved(String registry, String databaseUrl) throws IOException {
    String lab = Files.readString(LabFixture.labConfig());
    String moved =
        lab.replaceAll("127\\.0\\.0\\.1:5(\\d{3})", "127.0.0.1:19$1")
            .replace("127.0.0.1:8080", "127.0.0.1:19180")
            .replace("ports: 20000-29999", "ports: 33000-33999")
            .replace("ports: 30000-30999", "ports: 34000-34499")
            .replace(
                "      name: ACME Corp\n",
                "      name: ACME Corp\n      webhook: {url: \""
                    + HOOK
                    + "\", secret: \"crash-test-secret-0123456789\"}\n")
            .replace("jdbc:h2:file:./data/baton", databaseUrl);
    if (!registry.equals("memory")) {
      moved = moved.replace("kind: memory", "kind: redis\n  redisPrefix: \"" + registry + "\"");
    }
    return moved + "\nendpointMedia: {address: 127.0.0.1, ports: 34500-34999}\n";
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private static boolean redisUp() {
    try (Socket s = new Socket("127.0.0.1", 6379)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A Baton JVM forked from this one ({@code io.baton.app.Main args}), its output in a log. */
  private record Forked(Process process, Path log) {
    private static final AtomicInteger STARTED = new AtomicInteger();

    /** Starts it and waits until its API answers. */
    static Forked start(String name, String... args) throws Exception {
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "io.baton.app.Main"));
      command.addAll(List.of(args));
      Path log = LOGS.resolve(name + "-" + STARTED.incrementAndGet() + ".log");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Forked forked = new Forked(p, log);
      try {
        await().atMost(UP).pollInterval(Duration.ofMillis(100)).until(forked::up);
      } catch (RuntimeException e) {
        forked.kill();
        throw new AssertionError("Baton did not start: " + tail(log), e);
      }
      return forked;
    }

    private boolean up() {
      if (!process.isAlive()) {
        throw new IllegalStateException("exited with " + process.exitValue());
      }
      try {
        return new Api(API, null).get("/health").status() == 200;
      } catch (IllegalStateException e) {
        return false; // not listening yet
      }
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("killed").isTrue();
    }

    private static String tail(Path log) {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
      } catch (IOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }
  }
}
