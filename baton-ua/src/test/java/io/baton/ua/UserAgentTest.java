package io.baton.ua;

import static io.baton.ua.CallMachine.State.CONFIRMED;
import static io.baton.ua.CallMachine.State.ENDED;
import static io.baton.ua.CallMachine.State.FAILED;
import static io.baton.ua.CallMachine.State.PROCEEDING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.media.PortPool;
import io.baton.sip.HostPort;
import io.baton.sip.SipConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two real user agents on loopback calling each other: SIP over UDP, RTP counted both ways. */
class UserAgentTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final PortPool rtpPorts = new PortPool("127.0.0.1", 43000, 43099);
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    scheduler.shutdownNow();
  }

  private UserAgent start(String name, int port, Answer answer) throws Exception {
    UserAgent ua =
        UserAgent.start(
            new UserAgentConfig(name, SipConfig.at(new HostPort("127.0.0.1", port)), answer),
            rtpPorts,
            scheduler,
            Clock.systemUTC());
    open.add(ua);
    return ua;
  }

  @Test
  void agentsCallEachOtherRingThenTalkBothWaysAndTheCallerHangsUp() throws Exception {
    UserAgent alice = start("alice", 15500, Answer.AT_ONCE);
    UserAgent bob = start("bob", 15501, new Answer(200, Duration.ofMillis(300), 600));

    UaCall outgoing = alice.dial(bob.uri("bob"), Map.of("X-Baton-Call-Id", "c-00000000000000a1"));
    outgoing.awaitAnswered(WAIT);
    UaCall incoming = bob.awaitIncoming(WAIT);

    assertThat(incoming.header("X-Baton-Call-Id")).isEqualTo("c-00000000000000a1");
    assertThat(incoming.sipCallId()).isEqualTo(outgoing.sipCallId());
    assertThat(outgoing.history()).contains(PROCEEDING, CONFIRMED);
    assertThat(incoming.remoteSdp().payloadTypes()).containsExactly(0, 101);
    assertThat(outgoing.remoteSdp().payloadTypes()).containsExactly(0, 101);
    await()
        .atMost(WAIT)
        .until(
            () -> outgoing.rtp().packetsReceived() > 10 && incoming.rtp().packetsReceived() > 10);
    assertThat(outgoing.rtp().lastLevel()).isGreaterThan(1000);
    assertThat(incoming.rtp().lastLevel()).isGreaterThan(1000);
    assertThat(outgoing.rtp().lastSource().getPort()).isEqualTo(incoming.rtp().localPort());
    assertThat(incoming.rtp().lastSource().getPort()).isEqualTo(outgoing.rtp().localPort());

    outgoing.hangUp();
    incoming.awaitEnded(WAIT);
    assertThat(outgoing.state()).isEqualTo(ENDED);
    assertThat(incoming.state()).isEqualTo(ENDED);
    assertThat(incoming.endedByRemote()).isTrue();
    assertThat(outgoing.endedByRemote()).isFalse();
    assertThat(outgoing.inDialogRequests()).isEmpty();
    await().atMost(WAIT).until(() -> incoming.inDialogRequests().contains("ACK"));
    assertThat(incoming.inDialogRequests()).containsExactlyInAnyOrder("ACK", "BYE");
    assertThat(incoming.answeredAt()).isNotNull();
    assertThat(bob.calls()).containsExactly(incoming);
    assertThat(rtpPorts.inUse()).isZero();
  }

  @Test
  void digitsGoBothWaysAsRfc4733EventsAndAsSipInfo() throws Exception {
    UserAgent alice = start("alice", 15500, Answer.AT_ONCE);
    UserAgent bob = start("bob", 15501, Answer.AT_ONCE);
    UaCall outgoing = alice.dial(bob.uri("bob"), Map.of()).awaitAnswered(WAIT);
    UaCall incoming = bob.awaitIncoming(WAIT);
    List<Character> heard = new CopyOnWriteArrayList<>();
    incoming.onDigit(heard::add);
    await().atMost(WAIT).until(() -> incoming.state() == CONFIRMED);

    outgoing.sendDigits("12#");
    incoming.sendDigits("*9");
    assertThat(outgoing.sendInfoDigits("0A", WAIT)).containsExactly(200, 200);

    await()
        .atMost(WAIT)
        .until(() -> incoming.digits().size() == 5 && outgoing.digits().size() == 2);
    assertThat(incoming.digits()).containsExactlyInAnyOrder('1', '2', '#', '0', 'A');
    assertThat(incoming.digits()).containsSubsequence('1', '2', '#');
    assertThat(heard).isEqualTo(incoming.digits());
    assertThat(outgoing.digits()).containsExactly('*', '9');
    assertThat(outgoing.rtp().telephoneEventPayloadType()).isEqualTo(101);
    outgoing.hangUp();
  }

  @Test
  void theCalleeHangsUpAndTheCallerSeesTheBye() throws Exception {
    UserAgent alice = start("alice", 15502, Answer.AT_ONCE);
    UserAgent bob = start("bob", 15503, Answer.AT_ONCE);

    UaCall outgoing = alice.dial("sip:bob@127.0.0.1:15503").awaitAnswered(WAIT);
    UaCall incoming = bob.awaitIncoming(WAIT);
    await().atMost(WAIT).until(() -> incoming.state() == CONFIRMED);
    incoming.hangUp();

    outgoing.awaitEnded(WAIT);
    assertThat(outgoing.endedByRemote()).isTrue();
    assertThat(outgoing.inDialogRequests()).containsExactly("BYE");
    assertThat(incoming.endedByRemote()).isFalse();
  }

  @Test
  void aBusyEndpointRejectsWith486() throws Exception {
    UserAgent alice = start("alice", 15504, Answer.AT_ONCE);
    UserAgent bob = start("bob", 15505, Answer.with(486));

    UaCall outgoing = alice.dial(bob.uri("bob"), Map.of());

    assertThat(outgoing.awaitFinal(WAIT)).isEqualTo(486);
    outgoing.awaitEnded(WAIT);
    assertThat(outgoing.state()).isEqualTo(FAILED);
    UaCall incoming = bob.awaitIncoming(WAIT);
    assertThat(incoming.state()).isEqualTo(FAILED);
    assertThat(incoming.finalStatus()).isEqualTo(486);
    assertThat(incoming.rtp().packetsSent()).isZero();
    await().atMost(WAIT).until(() -> rtpPorts.inUse() == 0);
  }

  @Test
  void aCallerGivingUpOnAnEndpointThatNeverAnswersCancelsIt() throws Exception {
    UserAgent alice = start("alice", 15506, Answer.AT_ONCE);
    UserAgent bob = start("bob", 15507, new Answer(0, null, 0));

    UaCall outgoing = alice.dial(bob.uri("bob"), Map.of());
    await().atMost(WAIT).until(() -> outgoing.state() == PROCEEDING);
    UaCall incoming = bob.awaitIncoming(WAIT);
    outgoing.hangUp();

    outgoing.awaitEnded(WAIT);
    incoming.awaitEnded(WAIT);
    assertThat(outgoing.finalStatus()).isEqualTo(487);
    assertThat(incoming.finalStatus()).isEqualTo(487);
    assertThat(incoming.state()).isEqualTo(FAILED);
    assertThat(incoming.endedByRemote()).isTrue();
    await().atMost(WAIT).until(() -> rtpPorts.inUse() == 0);
  }

  @Test
  void aCallThatCannotBeBuiltHoldsNoRtpPort() throws Exception {
    UserAgent alice = start("alice", 15508, Answer.AT_ONCE);

    assertThatThrownBy(() -> alice.dial(alice.uri("bob"), Map.of("Max-Forwards", "many")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(rtpPorts.inUse()).isZero();
  }
}
