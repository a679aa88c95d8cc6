package io.baton.sbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.registry.Leg;
import io.baton.registry.LegState;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LegMachineTest {
  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
  private final List<Leg> published = new ArrayList<>();
  private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

  private LegMachine leg() {
    return new LegMachine(
        new Leg(
            "l-1",
            "c-1",
            "sbc-edge",
            "proxy",
            "sip-1",
            LegState.TRYING,
            T0,
            null,
            "127.0.0.1:5060",
            "uac",
            null,
            null,
            null),
        published::add,
        clock);
  }

  private List<LegState> states() {
    return published.stream().map(Leg::state).toList();
  }

  @Test
  void aLegRingsAnswersAndIsReleasedPublishingEveryChange() {
    LegMachine leg = leg();
    leg.on(new LegMachine.Progress("uas"));
    leg.on(new LegMachine.Progress("uas"));
    leg.on(new LegMachine.Answer("uas"));
    leg.on(new LegMachine.Release());

    assertThat(states())
        .containsExactly(LegState.TRYING, LegState.RINGING, LegState.ACTIVE, LegState.RELEASED);
    assertThat(published.get(1).uasTag()).isEqualTo("uas");
    assertThat(published.get(2).endedAt()).isNull();
    assertThat(published.get(3).endedAt()).isEqualTo(T0);
  }

  @Test
  void aFailureKeepsItsStatus() {
    LegMachine leg = leg();
    leg.on(new LegMachine.Failure(486));

    assertThat(states()).containsExactly(LegState.TRYING, LegState.FAILED);
    assertThat(published.get(1).sipStatus()).isEqualTo(486);
    assertThat(leg.state().ended()).isTrue();
  }

  @Test
  void illegalTransitionsThrowAndPublishNothing() {
    LegMachine trying = leg();
    assertThatThrownBy(() -> trying.on(new LegMachine.Release()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TRYING");

    LegMachine active = leg();
    active.on(new LegMachine.Answer("uas"));
    assertThatThrownBy(() -> active.on(new LegMachine.Failure(500)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> active.on(new LegMachine.Progress("uas")))
        .isInstanceOf(IllegalStateException.class);

    active.on(new LegMachine.Release());
    int before = published.size();
    assertThatThrownBy(() -> active.on(new LegMachine.Release()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("RELEASED");
    assertThat(published).hasSize(before);
  }
}
