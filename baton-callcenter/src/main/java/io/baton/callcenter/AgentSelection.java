package io.baton.callcenter;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which agent takes the next call of a queue: the available one idle longest (the usual automatic
 * call distribution policy, fair to agents); ties go to the one listed first. Plain policy: no SIP,
 * no clock of its own.
 */
final class AgentSelection {
  private AgentSelection() {}

  /**
   * An agent as the policy sees it.
   *
   * @param available idle: not ringing, not talking
   * @param idleSince when it last became available
   */
  record AgentStatus(String name, boolean available, Instant idleSince) {}

  static Optional<String> longestIdle(List<AgentStatus> agents) {
    return agents.stream()
        .filter(AgentStatus::available)
        .min(Comparator.comparing(AgentStatus::idleSince))
        .map(AgentStatus::name);
  }
}
