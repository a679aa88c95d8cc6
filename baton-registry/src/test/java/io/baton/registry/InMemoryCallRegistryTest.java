package io.baton.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryCallRegistryTest extends CallRegistryContract {

  @Override
  CallRegistry newRegistry() {
    return new InMemoryCallRegistry(clock, RETAIN);
  }

  /** One process: every element uses the very same registry (closing it does nothing). */
  @Override
  CallRegistry peerOf(CallRegistry registry) {
    return registry;
  }

  @Override
  void prune(CallRegistry registry) {
    ((InMemoryCallRegistry) registry).prune();
  }

  @Test
  void beyondMaxEndedTheOldestEndedCallsGoFirstAndLiveOnesStay() {
    InMemoryCallRegistry small = new InMemoryCallRegistry(clock, RETAIN, 2);
    for (int i = 0; i < 4; i++) {
      small.putLeg(callerLeg("ended-" + i, LegState.RELEASED));
      clock.advance(Duration.ofSeconds(1));
    }
    small.putLeg(callerLeg("live", LegState.ACTIVE));

    small.prune();

    assertThat(small.recent(10).stream().map(Call::id))
        .containsExactlyInAnyOrder("live", "ended-2", "ended-3");
  }

  private Leg callerLeg(String callId, LegState state) {
    return new Leg(
        "l-" + callId,
        callId,
        Call.CALLER,
        "sbc-edge",
        "sip-" + callId,
        state,
        clock.instant(),
        state.ended() ? clock.instant() : null,
        "127.0.0.1:5060",
        "uac",
        "uas",
        null,
        null);
  }

  @Test
  void anEndedCallsEndIsItsLastLegsEnd() {
    Call live =
        new Call("c", null, null, null, clock.instant(), List.of(callerLeg("c", LegState.ACTIVE)));
    assertThat(live.endedAt()).isNull();
    Call ended =
        new Call(
            "c", null, null, null, clock.instant(), List.of(callerLeg("c", LegState.RELEASED)));
    assertThat(ended.endedAt()).isEqualTo(clock.instant());
  }
}
