package io.baton.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.sip.Pike.Verdict;
import io.baton.testsupport.ManualClock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-source rate policy on plain data: addresses in, verdicts out, time moved by hand. */
class PikeTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private static final InetSocketAddress FLOODER = source("192.0.2.1", 5060);
  private static final InetSocketAddress CALLER = source("192.0.2.2", 5060);

  /** 10 a second, 20 at once, a 30-second ban, 100 sources remembered. */
  private static SipLimits limits(List<String> exempt) {
    return new SipLimits(
        65536,
        256,
        8,
        64,
        Duration.ofSeconds(120),
        Duration.ofSeconds(5),
        10,
        20,
        Duration.ofSeconds(30),
        100,
        exempt);
  }

  private final Pike pike = new Pike(limits(List.of()), TrustList.none(), clock);

  private static InetSocketAddress source(String host, int port) {
    return new InetSocketAddress(host, port);
  }

  private List<Verdict> send(InetSocketAddress from, int requests) {
    List<Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      verdicts.add(pike.onRequest(from));
    }
    return verdicts;
  }

  @Test
  void aBurstPassesThenTheSourceIsRefusedOnceAndDroppedForTheBan() {
    List<Verdict> verdicts = send(FLOODER, 25);
    assertThat(verdicts.subList(0, 20)).containsOnly(Verdict.PASS);
    assertThat(verdicts.get(20)).isEqualTo(Verdict.REFUSE);
    assertThat(verdicts.subList(21, 25)).containsOnly(Verdict.DROP);
    assertThat(pike.takeRefusal(FLOODER)).as("the tripping request is answered once").isTrue();
    assertThat(pike.takeRefusal(FLOODER)).isFalse();
    assertThat(pike.takeRefusal(CALLER)).isFalse();
    assertThat(pike.banSecondsLeft(FLOODER)).isEqualTo(30);
    assertThat(pike.banned(FLOODER)).isTrue();
    assertThat(pike.bans()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(29));
    assertThat(pike.onRequest(FLOODER)).isEqualTo(Verdict.DROP);
    clock.advance(Duration.ofSeconds(1));
    assertThat(pike.banned(FLOODER)).isFalse();
    assertThat(send(FLOODER, 20)).containsOnly(Verdict.PASS);
  }

  @Test
  void anotherSourceIsNotTouchedByTheBanAndAPortChangeDoesNotEscapeIt() {
    send(FLOODER, 21);
    assertThat(pike.onRequest(source("192.0.2.1", 40000))).isEqualTo(Verdict.DROP);
    assertThat(send(CALLER, 20)).containsOnly(Verdict.PASS);
  }

  @Test
  void theAverageRateIsRefilledOverTime() {
    for (int second = 0; second < 60; second++) {
      assertThat(send(CALLER, 10)).as("second " + second).containsOnly(Verdict.PASS);
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(pike.bans()).isZero();
  }

  @Test
  void exemptSourcesAreNeverLimited() {
    Pike trusting =
        new Pike(limits(List.of("192.0.2.9")), TrustList.of(List.of("192.0.2.9")), clock);
    for (int i = 0; i < 1000; i++) {
      assertThat(trusting.onRequest(source("192.0.2.9", 5060 + i))).isEqualTo(Verdict.PASS);
    }
    assertThat(trusting.sources()).isZero();
  }

  @Test
  void theTableIsBoundedAndForgetsSourcesThatAreBackToRest() {
    for (int i = 0; i < 500; i++) {
      pike.onRequest(source("198.51.100." + (i % 250), 1000 + i / 250));
      pike.onRequest(source("203.0.113." + (i % 250), 1000));
    }
    assertThat(pike.sources()).isEqualTo(100);
    send(FLOODER, 21);
    clock.advance(Duration.ofSeconds(3));
    assertThat(pike.sources()).as("all but the banned source refilled").isEqualTo(1);
    clock.advance(Duration.ofSeconds(30));
    assertThat(pike.sources()).isZero();
  }
}
