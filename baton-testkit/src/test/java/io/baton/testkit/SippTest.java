package io.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.media.PortPool;
import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.SipConfig;
import io.baton.ua.Answer;
import io.baton.ua.CallMachine.State;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import io.baton.ua.UserAgentConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SIPp as an independent peer of baton-ua's user agents, both ways, over real sockets. */
class SippTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final HostPort UA = new HostPort("127.0.0.1", 15650);
  private static final HostPort SIPP = new HostPort("127.0.0.1", 15651);
  private static final int SIPP_MEDIA = 43900;

  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void needsSipp() {
    Sipp.assumeAvailable();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    scheduler.shutdownNow();
  }

  private UserAgent endpoint(Answer answer) throws Exception {
    UserAgent ua =
        UserAgent.start(
            new UserAgentConfig("pstn-sales", SipConfig.at(UA), answer),
            new PortPool("127.0.0.1", 43500, 43599),
            scheduler,
            Clock.systemUTC());
    open.add(ua);
    return ua;
  }

  @Test
  void sippCallsAnAnsweringUserAgentAndHangsUp() throws Exception {
    UserAgent ua = endpoint(Answer.AT_ONCE);

    SippResult result =
        Sipp.run(
            SippRun.uac("uac-call-expect-200.xml", UA, SIPP, SIPP_MEDIA)
                .withService("+16465550111")
                .withCalls(3, 10)
                .withSet("hold", "300")
                .withRtpEcho());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.successfulCalls()).isEqualTo(3);
    assertThat(result.failedCalls()).isZero();
    assertThat(result.responseTime("setup")).isPresent();
    await().atMost(WAIT).until(() -> ua.calls().stream().allMatch(c -> c.state() == State.ENDED));
    assertThat(ua.calls()).hasSize(3);
    for (UaCall call : ua.calls()) {
      assertThat(call.endedByRemote()).isTrue();
      assertThat(call.inDialogRequests()).contains("ACK", "BYE");
      // SIPp echoes the tone back: audio reached SIPp's SDP address and returned.
      assertThat(call.rtp().packetsReceived()).isPositive();
    }
  }

  @Test
  void sippExpecting486GetsItFromABusyUserAgent() throws Exception {
    UserAgent ua = endpoint(Answer.with(486));

    SippResult result = Sipp.run(SippRun.uac("uac-call-expect-486.xml", UA, SIPP, SIPP_MEDIA));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.successfulCalls()).isEqualTo(1);
    assertThat(ua.calls())
        .singleElement()
        .satisfies(c -> assertThat(c.finalStatus()).isEqualTo(486));
  }

  @Test
  void sippExpectingAnAnswerFailsAgainstABusyUserAgent() throws Exception {
    endpoint(Answer.with(486));

    SippResult result = Sipp.run(SippRun.uac("uac-call-expect-200.xml", UA, SIPP, SIPP_MEDIA));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.successfulCalls()).isZero();
    assertThat(result.failedCalls()).isEqualTo(1);
  }

  @Test
  void aUserAgentCallsSippWhichAnswersAndEchoesTheAudio() throws Exception {
    UserAgent ua = endpoint(Answer.AT_ONCE);
    CompletableFuture<SippResult> sipp =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return Sipp.run(SippRun.uas("uas-answer.xml", SIPP, SIPP_MEDIA).withRtpEcho());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });

    // The INVITE may reach SIPp before it listens: UDP retransmission (Timer A) covers that.
    UaCall call = ua.dial(Messages.get().uri("+16465550111", SIPP), Map.of());
    call.awaitAnswered(WAIT);
    await().atMost(WAIT).until(() -> call.rtp().packetsReceived() > 5);
    call.hangUp();
    SippResult result = sipp.get(30, TimeUnit.SECONDS);

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.successfulCalls()).isEqualTo(1);
    assertThat(call.state()).isEqualTo(State.ENDED);
    assertThat(call.inDialogRequests()).isEmpty();
  }

  @Test
  void aRunNobodyAnswersEndsAtItsTimeoutAsAFailure() throws Exception {
    SippResult result =
        Sipp.run(
            SippRun.uac("uac-call-expect-200.xml", UA, SIPP, SIPP_MEDIA)
                .withTimeout(Duration.ofSeconds(2)));

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.successfulCalls()).isZero();
  }

  @Test
  void aScenarioMustExist() {
    assertThatThrownBy(() -> Sipp.run(SippRun.uas("uas-nothing.xml", SIPP, SIPP_MEDIA)))
        .hasMessageContaining("scenario 'uas-nothing.xml' is neither a file nor in sipp/");
  }
}
