package io.baton.sbc;

import static io.baton.sbc.Lab.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.sip.CallLifetime;
import io.baton.sip.HostPort;
import io.baton.sip.ManualTime;
import io.baton.sip.Messages;
import io.baton.sip.SipConfig;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every call ends by itself when a peer goes silent (docs "Call lifetimes"): real SIP and RTP on
 * loopback, with the SBC's clock and timers in virtual time so Timer H, session timers, RTP
 * inactivity and the maximum duration are crossed in milliseconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SbcLifetimeTest {
  private static final HostPort EDGE = at(15390);
  private static final HostPort REDIRECT = at(15391);
  private static final HostPort BLACK_HOLE = at(15394);
  private static final String DID = "+18005550100";
  private static final Duration MAX_DURATION = Duration.ofMinutes(10);
  private static final Duration NO_ANSWER = Duration.ofSeconds(30);

  private final ManualTime time = new ManualTime(Instant.now());
  private Lab lab;
  private Sbc edge;
  private TestRedirect redirect;
  private TestPhone caller;
  private TestPhone agent;

  @BeforeAll
  void start() throws Exception {
    lab = new Lab("43900-43999");
    redirect = lab.redirect(REDIRECT.port());
    caller = lab.phone("caller", 15392);
    agent = lab.phone("agent", 15393);
    SbcConfig config =
        new SbcConfig(
                Role.EDGE,
                SipConfig.at(EDGE),
                REDIRECT,
                null,
                Lab.edgeTrust(agent),
                new MediaConfig(true, "127.0.0.1", "43800-43899"),
                NO_ANSWER,
                null)
            .withLifetime(new CallLifetime(null, MAX_DURATION, null, null, null, null));
    edge =
        lab.sbc(
            "sbc-edge",
            config,
            Map.of("sbc-edge", EDGE, "agent", agent.address()),
            time.clock(),
            time.scheduler());
  }

  @AfterAll
  void stop() throws Exception {
    lab.close();
  }

  @BeforeEach
  void reset() {
    List.of(caller, agent).forEach(TestPhone::reset);
    redirect.route(DID, agent.uri("+13125550100").toString());
    awaitNothingLeft();
  }

  private TestPhone.PhoneCall answeredCall(Map<String, String> headers, boolean ack)
      throws Exception {
    var uri = Messages.get().uri(DID, EDGE);
    TestPhone.PhoneCall call =
        ack ? caller.dial(uri, headers) : caller.dialWithoutAck(uri, headers);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> call.finalResponse != null && !agent.received(Request.ACK).isEmpty());
    assertThat(call.finalResponse.getStatusCode()).isEqualTo(200);
    return call;
  }

  private TestPhone.PhoneCall atAgent() {
    return agent.calls().get(0);
  }

  /**
   * Virtual time in steps of 30s (the media check's period) with a little real time between: the
   * call's queue handles each step's timers at that step's time, and RTP keeps counting.
   */
  private void advanceInSteps(Duration total) throws InterruptedException {
    for (Duration done = Duration.ZERO; done.compareTo(total) < 0; ) {
      Duration step =
          total.minus(done).compareTo(Duration.ofSeconds(30)) < 0
              ? total.minus(done)
              : Duration.ofSeconds(30);
      time.advance(step);
      done = done.plus(step);
      Thread.sleep(60);
    }
  }

  private void awaitHungUpBothWays(TestPhone.PhoneCall call) {
    await().atMost(Duration.ofSeconds(5)).until(() -> call.byeReceived && atAgent().byeReceived);
    awaitNothingLeft();
    assertThat(lab.leg(call.sipCallId).state()).isEqualTo(LegState.RELEASED);
    assertThat(lab.leg(atAgent().sipCallId).state()).isEqualTo(LegState.RELEASED);
  }

  private void awaitNothingLeft() {
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(edge.activeCalls()).as("calls").isZero();
              assertThat(edge.relay().portsInUse()).as("relay ports").isZero();
              assertThat(edge.armedTimers()).as("timers").isZero();
              assertThat(time.pending()).as("scheduled tasks").isZero();
            });
  }

  /** Nothing happens for a moment of real time: the call is still up at both ends. */
  private void assertStillUp(TestPhone.PhoneCall call) throws InterruptedException {
    Thread.sleep(300);
    assertThat(call.byeReceived).as("caller got no BYE").isFalse();
    assertThat(atAgent().byeReceived).as("callee got no BYE").isFalse();
    assertThat(edge.activeCalls()).isEqualTo(1);
  }

  @Test
  void aCallerThatNeverAcksIsHungUpBothWaysAfterTimerH() throws Exception {
    TestPhone.PhoneCall call = answeredCall(Map.of(), false);
    await().atMost(Duration.ofSeconds(5)).until(() -> edge.armedTimers() == 3);

    time.advance(Duration.ofSeconds(31));
    assertStillUp(call);
    time.advance(Duration.ofSeconds(1)); // 64·T1 = 32s (RFC 3261 §13.3.1.4)

    awaitHungUpBothWays(call);
  }

  @Test
  void theAckDisarmsTimerH() throws Exception {
    TestPhone.PhoneCall call = answeredCall(Map.of(), true);
    // The ACK reached the call: only the duration and media timers are left.
    await().atMost(Duration.ofSeconds(5)).until(() -> edge.armedTimers() == 2);

    advanceInSteps(Duration.ofSeconds(90));
    assertStillUp(call);

    call.hangUp();
    awaitHungUpBothWaysFromCaller();
  }

  private void awaitHungUpBothWaysFromCaller() {
    await().atMost(Duration.ofSeconds(5)).until(() -> atAgent().byeReceived);
    awaitNothingLeft();
  }

  @Test
  void aCallWhoseMediaStoppedBothWaysIsHungUp() throws Exception {
    TestPhone.PhoneCall call = answeredCall(Map.of(), true);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> call.rtp.packetsReceived() > 5 && atAgent().rtp.packetsReceived() > 5);
    advanceInSteps(Duration.ofSeconds(30));

    call.rtp.stopSending();
    atAgent().rtp.stopSending();
    Thread.sleep(200); // the last packets land
    // Checked every 30s: the next check still sees the last packets; 120s after it, silence.
    advanceInSteps(Duration.ofSeconds(120));
    assertStillUp(call);
    advanceInSteps(Duration.ofSeconds(30));

    awaitHungUpBothWays(call);
  }

  @Test
  void aCallWithMediaFlowingIsStillHungUpAtItsMaximumDuration() throws Exception {
    TestPhone.PhoneCall call = answeredCall(Map.of(), true);

    advanceInSteps(MAX_DURATION.minusSeconds(30));
    assertStillUp(call);
    advanceInSteps(Duration.ofSeconds(30));

    awaitHungUpBothWays(call);
  }

  @Test
  void aSessionTimerIsGrantedRefreshedAndEndsTheCallWhenNoRefreshComes() throws Exception {
    TestPhone.PhoneCall call =
        answeredCall(Map.of("Supported", "timer", "Session-Expires", "90"), true);
    assertThat(Messages.headerValue(call.finalResponse, "Session-Expires"))
        .isEqualTo("90;refresher=uac");
    assertThat(Messages.headerValue(call.finalResponse, "Require")).isEqualTo("timer");

    advanceInSteps(Duration.ofSeconds(50));
    Response refreshed =
        call.request(Request.UPDATE, Map.of("Session-Expires", "90", "Supported", "timer"), null);
    assertThat(refreshed.getStatusCode()).isEqualTo(200);
    assertThat(Messages.headerValue(refreshed, "Session-Expires")).isEqualTo("90;refresher=uac");

    advanceInSteps(Duration.ofSeconds(50)); // 100s since the call began, 50s since the refresh
    assertStillUp(call);
    // No refresh: the SBC hangs up a third of the interval before it expires (RFC 4028 §10).
    advanceInSteps(Duration.ofSeconds(10));

    awaitHungUpBothWays(call);
  }

  @Test
  void aSessionIntervalBelowMinSeIsRefusedWith422() throws Exception {
    TestPhone.PhoneCall call =
        caller.dial(
            Messages.get().uri(DID, EDGE),
            Map.of("Supported", "timer", "Require", "timer", "Session-Expires", "60"));
    await().atMost(Duration.ofSeconds(5)).until(() -> call.finalResponse != null);

    assertThat(call.finalResponse.getStatusCode()).isEqualTo(422);
    assertThat(Messages.headerValue(call.finalResponse, "Min-SE")).isEqualTo("90");
    assertThat(agent.calls()).isEmpty();
    awaitNothingLeft();
  }

  @Test
  void aCallerThatDoesNotSupportTimersGetsNoSessionTimer() throws Exception {
    TestPhone.PhoneCall call = answeredCall(Map.of("Session-Expires", "90"), true);
    assertThat(call.finalResponse.getHeader("Session-Expires")).isNull();

    advanceInSteps(Duration.ofSeconds(120));
    assertStillUp(call);
    call.hangUp();
    awaitHungUpBothWaysFromCaller();
  }

  @Test
  void aLegWhoseTcpConnectHangsGives408AtTheTimeoutAndIsReapedAfterTheMargin() throws Exception {
    try (ServerSocket full = new ServerSocket()) {
      full.bind(new InetSocketAddress("127.0.0.1", BLACK_HOLE.port()), 1);
      try (Socket first = new Socket("127.0.0.1", BLACK_HOLE.port());
          Socket second = new Socket("127.0.0.1", BLACK_HOLE.port())) {
        // The listener's queue is full and it never accepts: connecting to it hangs.
        redirect.route(DID, "sip:+13125550100@" + BLACK_HOLE + ";transport=tcp");
        TestPhone.PhoneCall call = caller.dial(Messages.get().uri(DID, EDGE), Map.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> edge.armedTimers() == 2);
        String legCallId = stuckLeg(call);
        assertThat(lab.leg(legCallId).state()).isEqualTo(LegState.TRYING);

        time.advance(NO_ANSWER);
        await().atMost(Duration.ofSeconds(5)).until(() -> call.finalResponse != null);
        assertThat(call.finalResponse.getStatusCode()).isEqualTo(408);
        assertThat(lab.leg(legCallId).state())
            .as("the dial is still blocked")
            .isEqualTo(LegState.TRYING);

        time.advance(CallLifetime.defaults().stuckLegMargin());
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> lab.leg(legCallId).state() == LegState.FAILED);
        assertThat(lab.leg(legCallId).sipStatus()).isEqualTo(408);
        awaitNothingLeft();
      }
    }
  }

  /** The SIP Call-ID of the leg SBC-edge opened for {@code call}. */
  private String stuckLeg(TestPhone.PhoneCall call) {
    String[] id = new String[1];
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              for (Leg l : lab.call(call.sipCallId).legs()) {
                if (!l.sipCallId().equals(call.sipCallId)) {
                  id[0] = l.sipCallId();
                }
              }
              return id[0] != null;
            });
    return id[0];
  }
}
