package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.app.Node;
import io.baton.callcenter.CallCenter;
import io.baton.media.PortPool;
import io.baton.proxy.ProxyServer;
import io.baton.registry.Call;
import io.baton.registry.CallRegistry;
import io.baton.sbc.Sbc;
import io.baton.sip.HostPort;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.SipConfig;
import io.baton.sip.SipEndpoint;
import io.baton.sip.StackMode;
import io.baton.sip.sdp.Codec;
import io.baton.sip.sdp.SessionDescription;
import io.baton.testkit.Api;
import io.baton.testkit.LabFixture;
import io.baton.ua.Answer;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import io.baton.ua.UserAgentConfig;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 5: after a flood of calls that skip their ACK, lose their BYE, race a CANCEL with
 * the answer or are transferred, every call, leg, RTP port, timer, thread and the heap return to
 * the figures the idle lab had. Real SIP and RTP through the whole lab, with call lifetimes of a
 * few seconds so the broken calls end within the test. It runs in a JVM of its own (the surefire
 * execution {@code soak}): the lab is started with those lifetimes, and the figures measured are
 * the lab's alone. {@code -Dsoak.seconds} and {@code -Dsoak.rate} make it longer (bench/soak.sh).
 */
class CallLifetimeSoakTest {
  private static final Duration LOAD = Duration.ofSeconds(Long.getLong("soak.seconds", 60));
  private static final double RATE = Double.parseDouble(System.getProperty("soak.rate", "5"));
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String EDGE = "127.0.0.1:5060";
  private static final String DID = "+18005550100";

  /** Threads the JVM may start or end on its own meanwhile (JIT, GC, HTTP client helpers). */
  private static final int THREAD_SLACK = 6;

  /** Bounded caches (ended calls kept by the registry and the callers) may grow this much. */
  private static final long HEAP_SLACK_MB = 48;

  /** The calls the flood mixes, placed in turn. */
  enum Kind {
    NORMAL,
    TRANSFER,
    LOST_ACK,
    LOST_BYE,
    CANCEL_RACE
  }

  private static final ScheduledExecutorService SCHEDULER = Executors.newScheduledThreadPool(2);
  private static final List<AutoCloseable> OPEN = new ArrayList<>();

  private Node lab;
  private Api api;
  private UserAgent caller;
  private PortPool callerPorts;
  private RudeCaller rude;
  private final Map<Kind, AtomicInteger> placed = new EnumMap<>(Kind.class);
  private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();

  /**
   * The lab with lifetimes of seconds (a lost ACK costs 3s, a vanished caller 5s of silence, any
   * call 30s at most), its bounded caches small (ended calls kept 20s, 200 Call-IDs captured) and
   * its database on disk, so that what stays in the heap is what leaked, not what is kept.
   */
  static void soakConfig(ObjectNode config) {
    List<JsonNode> lifetimes = new ArrayList<>();
    config.get("sbcs").forEach(sbc -> lifetimes.add(sbc.get("lifetime")));
    config.get("endpoints").forEach(endpoint -> lifetimes.add(endpoint.get("lifetime")));
    lifetimes.add(config.get("callcenter").get("lifetime"));
    for (JsonNode lifetime : lifetimes) {
      ((ObjectNode) lifetime)
          .put("ackTimeout", "3s")
          .put("maxDuration", "30s")
          .put("mediaTimeout", "5s");
    }
    ObjectNode transfer = (ObjectNode) config.get("transfer");
    ((ObjectNode) transfer.get("rateLimit")).put("perSecond", 1000).put("burst", 1000);
    ((ObjectNode) transfer.get("capture")).put("dialogs", 200);
    ((ObjectNode) config.get("registry")).put("retainEnded", "20s");
    ((ObjectNode) config.get("database"))
        .put("url", "jdbc:h2:file:./target/soak/db-" + System.nanoTime());
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : OPEN) {
      c.close();
    }
    SCHEDULER.shutdownNow();
  }

  @Test
  void afterAFloodOfBrokenCallsEveryResourceReturnsToItsIdleFigure() throws Exception {
    lab = LabFixture.lab(CallLifetimeSoakTest::soakConfig);
    api = new Api(LabFixture.apiBase(), "acme-demo-key");
    callerPorts = new PortPool("127.0.0.1", 46000, 46999);
    caller =
        UserAgent.start(
            new UserAgentConfig(
                "soak-caller",
                SipConfig.at("127.0.0.1:16300"),
                new Answer(200, Duration.ZERO, 350)),
            callerPorts,
            SCHEDULER,
            Clock.systemUTC());
    OPEN.add(caller);
    rude = new RudeCaller(new HostPort("127.0.0.1", 16301));
    OPEN.add(rude);

    // Warm up (JIT, pools, first connections), then the idle figures.
    assertThat(normalCall()).isEqualTo("answered");
    assertThat(transferCall(0)).isEqualTo("completed");
    Map<String, Long> idle = awaitSettled();

    long started = System.nanoTime();
    flood();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    Map<String, Long> after = awaitReturnTo(idle);
    report(idle, after, took);
    assertThat(leaks(idle, after)).as("resources above their idle figure").isEmpty();

    // The lab still works: a call, and a transfer.
    assertThat(normalCall()).isEqualTo("answered");
    assertThat(transferCall(0)).isEqualTo("completed");
  }

  // ---- the flood ----

  private void flood() throws InterruptedException {
    long calls = Math.round(LOAD.toSeconds() * RATE);
    long everyMicros = Math.round(1_000_000 / RATE);
    List<Thread> running = new ArrayList<>();
    for (long i = 0; i < calls; i++) {
      Kind kind = Kind.values()[(int) (i % Kind.values().length)];
      int n = placed.computeIfAbsent(kind, k -> new AtomicInteger()).getAndIncrement();
      running.add(Thread.ofVirtual().name("soak-" + i).start(() -> place(kind, n)));
      TimeUnit.MICROSECONDS.sleep(everyMicros);
    }
    for (Thread t : running) {
      t.join(Duration.ofSeconds(60));
    }
  }

  private void place(Kind kind, int n) {
    String outcome;
    try {
      outcome =
          switch (kind) {
            case NORMAL -> normalCall();
            case TRANSFER -> transferCall(n);
            case LOST_ACK -> rude.call(false);
            case LOST_BYE -> rude.call(true);
            case CANCEL_RACE -> cancelRace();
          };
    } catch (Exception | AssertionError e) {
      outcome = "error: " + e.getClass().getSimpleName();
    }
    outcomes.computeIfAbsent(kind + " " + outcome, k -> new AtomicInteger()).incrementAndGet();
  }

  /** Answered, talks two seconds, hangs up. */
  private String normalCall() throws Exception {
    UaCall call = caller.dial("sip:" + DID + "@" + EDGE).awaitAnswered(WAIT);
    Thread.sleep(2000);
    call.hangUp();
    call.awaitEnded(WAIT);
    return "answered";
  }

  /** Answered, moved to sales (make-before-break) or to support (blind), then hung up. */
  private String transferCall(int n) throws Exception {
    UaCall call = caller.dial("sip:" + DID + "@" + EDGE).awaitAnswered(WAIT);
    String body =
        n % 2 == 0
            ? "{\"to\":\"target:sales\"}"
            : "{\"to\":\"target:support\",\"mode\":\"blind\",\"timeoutSeconds\":10}";
    String state = "not asked";
    Api.Reply asked = null;
    for (int tries = 0; tries < 20; tries++) {
      Api.Reply found = api.get("/v1/calls/" + call.sipCallId());
      if (found.status() == 200) {
        asked = api.post("/v1/calls/" + found.body().get("id").asText() + "/transfer", body);
        if (asked.status() == 202) {
          break;
        }
      }
      Thread.sleep(100); // the registry or the caller's 200 is a moment behind
    }
    if (asked != null && asked.status() == 202) {
      state = awaitFinal(asked.body().get("id").asText());
    }
    Thread.sleep(1000);
    call.hangUp();
    call.awaitEnded(WAIT);
    return state;
  }

  private String awaitFinal(String transferId) throws InterruptedException {
    Set<String> finals = Set.of("completed", "failed", "rolled_back", "cancelled");
    String state = "requested";
    for (long end = System.nanoTime() + WAIT.toNanos(); System.nanoTime() < end; ) {
      state = api.get("/v1/transfers/" + transferId).body().get("state").asText();
      if (finals.contains(state)) {
        return state;
      }
      Thread.sleep(250);
    }
    return "still " + state;
  }

  /** Hangs up 0-250 ms after dialling: CANCEL before the 200 (100 ms after 180), or BYE after. */
  private String cancelRace() throws Exception {
    UaCall call = caller.dial("sip:" + DID + "@" + EDGE);
    Thread.sleep(ThreadLocalRandom.current().nextInt(250));
    call.hangUp();
    call.awaitEnded(WAIT);
    return call.finalStatus() == 200 ? "answered, then BYE" : "cancelled " + call.finalStatus();
  }

  /**
   * A caller that vanishes: it never ACKs the 2xx, or ACKs and then sends neither RTP nor BYE. It
   * only answers the BYE that ends its call, as a stack would.
   */
  private static final class RudeCaller implements AutoCloseable {
    private final SipEndpoint endpoint;

    RudeCaller(HostPort at) throws Exception {
      endpoint =
          SipEndpoint.start(
              "rude",
              StackMode.USER_AGENT,
              new SipConfig(at, List.of("udp"), 16, Duration.ofMinutes(5)),
              request -> {
                if (Request.BYE.equals(request.method())) {
                  request.respond(Response.OK);
                }
              });
    }

    String call(boolean ack) throws Exception {
      // RTP goes to a port where nobody listens: the caller is gone.
      String offer =
          SessionDescription.audio("rude", "127.0.0.1", 47000, List.of(Codec.PCMU)).toString();
      Request invite =
          endpoint
              .request(Request.INVITE, endpoint.messages().uri(DID, HostPort.parse(EDGE)))
              .body("application/sdp", offer)
              .build();
      OutboundTransaction tx = endpoint.send(invite);
      Response ok = tx.finalResponse().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      if (ok.getStatusCode() != 200) {
        return "refused " + ok.getStatusCode();
      }
      if (ack) {
        endpoint.ack(tx.dialog(), ok);
      }
      return ack ? "answered, ACKed, vanished" : "answered, never ACKed";
    }

    @Override
    public void close() {
      endpoint.close();
    }
  }

  // ---- the figures ----

  /** Waits until two measurements a few seconds apart agree: what the idle lab holds. */
  private Map<String, Long> awaitSettled() {
    return awaitFigures(m -> m.size() > 1 && leaks(m.get(m.size() - 2), m.getLast()).isEmpty());
  }

  /** Waits (up to the longest lifetime and then some) until nothing is above its idle figure. */
  private Map<String, Long> awaitReturnTo(Map<String, Long> idle) {
    return awaitFigures(m -> leaks(idle, m.getLast()).isEmpty());
  }

  /**
   * Measures every 3s until {@code done} accepts the measurements so far, 90s at most; the last one
   * (what is left is reported and asserted figure by figure).
   */
  private Map<String, Long> awaitFigures(Predicate<List<Map<String, Long>>> done) {
    List<Map<String, Long>> measured = new ArrayList<>();
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(3))
          .until(
              () -> {
                measured.add(measure());
                return done.test(measured);
              });
    } catch (ConditionTimeoutException e) {
      // the caller compares the last figures
    }
    return measured.getLast();
  }

  /** Everything a call can hold in the lab, counted now. */
  private Map<String, Long> measure() {
    Map<String, Long> m = new LinkedHashMap<>();
    CallRegistry registry = lab.callRegistry().orElseThrow();
    List<Call> calls = registry.recent(Integer.MAX_VALUE);
    m.put("registry: calls not ended", calls.stream().filter(c -> !c.ended()).count());
    m.put("registry: legs not ended", calls.stream().mapToLong(c -> c.liveLegs().size()).sum());
    for (String name : List.of("sbc-edge", "sbc-dest", "sbc-carrier")) {
      Sbc sbc = lab.element(name, Sbc.class);
      m.put(name + ": calls", (long) sbc.activeCalls());
      m.put(name + ": timers", (long) sbc.armedTimers());
      if (sbc.relay() != null) {
        m.put(name + ": relay ports in use", (long) sbc.relay().portsInUse());
      }
    }
    ProxyServer proxy = lab.element("proxy", ProxyServer.class);
    m.put("proxy: dialogs", (long) proxy.dialogs());
    Map<String, Long> dialogs = proxy.dialogStates();
    for (String state : List.of("confirmed", "subscription_only")) {
      m.put("proxy: dialogs " + state, dialogs.getOrDefault(state, 0L));
    }
    m.put(
        "callcenter: RTP ports in use",
        (long) lab.element("callcenter", CallCenter.class).rtpPortsInUse());
    m.put(
        "endpoints: RTP ports in use",
        (long) lab.element("pstn-sales", UserAgent.class).rtpPortsInUse());
    m.put("test callers: RTP ports in use", (long) callerPorts.inUse());
    m.put("scheduled tasks", (long) lab.scheduledTasks());
    m.put("platform threads", (long) ManagementFactory.getThreadMXBean().getThreadCount());
    m.put("heap after GC (MB)", heapAfterGc());
    return m;
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
  }

  /** Figures above their idle value: exactly for counts, with slack for threads and heap. */
  private static Map<String, Long> leaks(Map<String, Long> idle, Map<String, Long> now) {
    Map<String, Long> over = new LinkedHashMap<>();
    now.forEach(
        (name, value) -> {
          long slack =
              switch (name) {
                case "platform threads" -> THREAD_SLACK;
                case "heap after GC (MB)" -> HEAP_SLACK_MB;
                default -> 0;
              };
          if (value > idle.getOrDefault(name, 0L) + slack) {
            over.put(name, value - idle.getOrDefault(name, 0L));
          }
        });
    return over;
  }

  private void report(Map<String, Long> idle, Map<String, Long> after, Duration took) {
    long total = placed.values().stream().mapToInt(AtomicInteger::get).sum();
    System.out.printf(
        "soak: %d calls in %ds at %.1f/s (asked %ds at %.1f/s)%n",
        total, took.toSeconds(), total / Math.max(1.0, took.toSeconds()), LOAD.toSeconds(), RATE);
    placed.forEach((kind, n) -> System.out.printf("soak:   %-12s %5d placed%n", kind, n.get()));
    new java.util.TreeMap<>(outcomes)
        .forEach((outcome, n) -> System.out.printf("soak:   %-40s %5d%n", outcome, n.get()));
    long transfers =
        outcomes.entrySet().stream()
            .filter(e -> e.getKey().equals("TRANSFER completed"))
            .mapToLong(e -> e.getValue().get())
            .sum();
    System.out.printf("soak: transfers completed: %d%n", transfers);
    System.out.printf("soak: %-34s %8s %8s %8s%n", "resource", "idle", "after", "leaked");
    Map<String, Long> leaks = leaks(idle, after);
    after.forEach(
        (name, value) ->
            System.out.printf(
                "soak: %-34s %8d %8d %8d%n",
                name, idle.get(name), value, leaks.getOrDefault(name, 0L)));
    System.out.printf("soak: leaks found: %d%n", leaks.size());
  }
}
