package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.app.Node;
import io.baton.callcenter.CallCenter;
import io.baton.media.LevelMeter;
import io.baton.media.PortPool;
import io.baton.media.RtpStream;
import io.baton.sip.HostPort;
import io.baton.sip.SipConfig;
import io.baton.testkit.Api;
import io.baton.testkit.LabFixture;
import io.baton.ua.Answer;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import io.baton.ua.UserAgentConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * End-to-end tests run against the real lab on the lab's ports (config/lab.yaml), driven by test
 * user agents that send and count real RTP. Test agents live on 16000-16099 (SIP) and 44000-44999
 * (RTP).
 */
abstract class LabTest {
  static final Duration WAIT = Duration.ofSeconds(15);
  static final String EDGE = "127.0.0.1:5060";

  /** Speech and the lab's tones are well above this level; digital silence is -127 dBov. */
  static final int AUDIBLE_DBOV = -40;

  static final ScheduledExecutorService SCHEDULER = Executors.newScheduledThreadPool(2);
  static final PortPool TEST_RTP = new PortPool("127.0.0.1", 44000, 44999);
  private static final List<UserAgent> AGENTS = new ArrayList<>();

  static Node lab;
  static Api acme;
  static Api globex;
  static UserAgent caller;

  @BeforeAll
  static void startLab() throws Exception {
    lab = LabFixture.lab();
    acme = new Api(LabFixture.apiBase(), "acme-demo-key");
    globex = new Api(LabFixture.apiBase(), "globex-demo-key");
    if (caller == null) {
      caller = agent("caller", 16000, new Answer(200, Duration.ZERO, 350));
    }
  }

  /**
   * Every call a test left up is hung up after it, so that one failed test does not leave calls
   * behind that fail the next ones' leak checks.
   */
  @AfterEach
  void hangUpWhatTheTestLeft() {
    for (UserAgent a : AGENTS) {
      a.calls().forEach(UaCall::hangUp);
    }
  }

  /** A test user agent on {@code 127.0.0.1:port} answering as told; kept for the whole JVM. */
  static synchronized UserAgent agent(String name, int port, Answer answer) throws Exception {
    UserAgent ua =
        UserAgent.start(
            new UserAgentConfig(name, SipConfig.at(new HostPort("127.0.0.1", port)), answer),
            TEST_RTP,
            SCHEDULER,
            Clock.systemUTC());
    AGENTS.add(ua);
    return ua;
  }

  static CallCenter callcenter() {
    return lab.element("callcenter", CallCenter.class);
  }

  static UserAgent endpoint(String name) {
    return lab.element(name, UserAgent.class);
  }

  /** Dials {@code did} through SBC-edge and waits until the call is answered. */
  static UaCall call(String did) throws Exception {
    return caller.dial("sip:" + did + "@" + EDGE).awaitAnswered(WAIT);
  }

  /** The API's view of the call the caller's dialog belongs to (found by its SIP Call-ID). */
  static JsonNode callOf(UaCall ua) {
    Api.Reply r = acme.get("/v1/calls/" + ua.sipCallId());
    assertThat(r.status()).as("GET call: %s", r.body()).isEqualTo(200);
    return r.body();
  }

  static String transfer(String callId, String json) {
    Api.Reply r = acme.post("/v1/calls/" + callId + "/transfer", json);
    assertThat(r.status()).as("POST transfer: %s", r.body()).isEqualTo(202);
    return r.body().get("id").asText();
  }

  /** Waits until the transfer reaches {@code state} and returns it. */
  static JsonNode awaitTransfer(String transferId, String state) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              last[0] = acme.get("/v1/transfers/" + transferId).body();
              assertThat(last[0].get("state").asText()).isEqualTo(state);
            });
    return last[0];
  }

  /** Asserts that a stream keeps receiving audio: at least 10 more packets (200 ms) arrive. */
  static void assertReceiving(RtpStream rtp, String who) {
    long before = rtp.packetsReceived();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(rtp.packetsReceived())
                    .as("%s receives RTP", who)
                    .isGreaterThanOrEqualTo(before + 10));
  }

  /**
   * Asserts that a stream keeps hearing audio with energy, not just packets: 5 more windows of 100
   * ms at {@link #AUDIBLE_DBOV} or louder arrive (a tone or speech; digital silence is -127 dBov).
   */
  static void assertHearing(RtpStream rtp, String who) {
    LevelMeter level = rtp.receivedLevel();
    long before = level.windowsAtOrAbove(AUDIBLE_DBOV);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(level.windowsAtOrAbove(AUDIBLE_DBOV))
                    .as("%s hears audio: %s", who, level.summary(AUDIBLE_DBOV))
                    .isGreaterThanOrEqualTo(before + 5));
  }

  /** Asserts no audio arrives at {@code rtp} over half a second (allowing 2 packets in flight). */
  static void assertSilent(RtpStream rtp, String who) throws InterruptedException {
    long before = rtp.packetsReceived();
    Thread.sleep(500);
    assertThat(rtp.packetsReceived())
        .as("%s receives no more RTP", who)
        .isLessThanOrEqualTo(before + 2);
  }

  /** The lab's edge SBC (its relay and call counters prove nothing leaked). */
  static io.baton.sbc.Sbc edge() {
    return lab.element("sbc-edge", io.baton.sbc.Sbc.class);
  }

  /**
   * Once every call ended: no leg of {@code callIds} still alive, no call held by SBC-edge, and
   * every RTP port of its relay returned.
   */
  static void assertNothingLeaked(String... callIds) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (String id : callIds) {
                JsonNode call = acme.get("/v1/calls/" + id).body();
                assertThat(call.get("state").asText()).as("call %s", id).isEqualTo("ended");
                for (JsonNode leg : call.get("legs")) {
                  assertThat(leg.get("state").asText())
                      .as("leg %s of %s", leg.get("id"), id)
                      .isIn("released", "failed");
                }
              }
              assertThat(edge().activeCalls()).as("calls held by SBC-edge").isZero();
              assertThat(edge().relay().portsInUse()).as("relay ports in use").isZero();
            });
  }

  /** Threads JAIN-SIP runs for TCP connections (a reader and a parser for each). */
  static long connectionThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.startsWith("TCPMessageChannelThread") || n.startsWith("PipelineThread"))
        .count();
  }

  /** States a transfer went through, from its history. */
  static List<String> states(JsonNode transfer) {
    List<String> out = new ArrayList<>();
    transfer.get("history").forEach(h -> out.add(h.get("state").asText()));
    return out;
  }

  /** Legs of a call resource by {@code element -> peer}, with their states. */
  static Map<String, String> legStates(JsonNode call) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (JsonNode leg : call.get("legs")) {
      out.merge(
          leg.get("element").asText() + "->" + leg.get("peer").asText(),
          leg.get("state").asText(),
          (a, b) -> a + "," + b);
    }
    return out;
  }
}
