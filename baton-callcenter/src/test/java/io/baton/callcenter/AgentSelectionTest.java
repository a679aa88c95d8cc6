package io.baton.callcenter;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.callcenter.AgentSelection.AgentStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentSelectionTest {
  private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");

  @Test
  void theAvailableAgentIdleLongestTakesTheCall() {
    assertThat(
            AgentSelection.longestIdle(
                List.of(
                    new AgentStatus("alice", true, T0.plusSeconds(30)),
                    new AgentStatus("bob", true, T0.plusSeconds(10)),
                    new AgentStatus("carol", false, T0))))
        .contains("bob");
  }

  @Test
  void tiesGoToTheAgentListedFirst() {
    assertThat(
            AgentSelection.longestIdle(
                List.of(new AgentStatus("alice", true, T0), new AgentStatus("bob", true, T0))))
        .contains("alice");
  }

  @Test
  void nobodyAvailableMeansWait() {
    assertThat(AgentSelection.longestIdle(List.of(new AgentStatus("alice", false, T0)))).isEmpty();
    assertThat(AgentSelection.longestIdle(List.of())).isEmpty();
  }
}
