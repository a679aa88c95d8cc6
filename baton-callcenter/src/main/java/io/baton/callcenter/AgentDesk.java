package io.baton.callcenter;

import io.baton.callcenter.AgentSelection.AgentStatus;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queues and their agents: callers wait in a queue until {@link AgentSelection} picks an
 * available agent of it; the call center then calls that agent (a real SIP call to the agent's user
 * agent) and bridges the two calls' audio once the agent answers.
 */
final class AgentDesk {
  private static final Logger LOG = LoggerFactory.getLogger(AgentDesk.class);

  /** After an agent did not answer, wait this long before offering the caller again. */
  static final Duration RETRY = Duration.ofSeconds(1);

  /** One simulated agent: its user agent and whom it talks to. */
  static final class Agent {
    final String name;
    final UserAgent ua;
    Instant idleSince;
    Session session; // null while available
    UaCall leg; // the call center's call to the agent

    Agent(String name, UserAgent ua, Instant idleSince) {
      this.name = name;
      this.ua = ua;
      this.idleSince = idleSince;
    }
  }

  /** What the desk needs from a waiting caller's session. */
  interface Session {
    /** The agent answered: bridge and tell the IVR. */
    void agentAnswered(String agent, UaCall leg);

    /** The answered agent's call ended. */
    void agentGone(UaCall leg);

    /** False once the caller left the queue (hung up): it is then not offered to agents. */
    boolean queued();
  }

  private final UserAgent center;
  private final Map<String, Agent> agents = new LinkedHashMap<>();
  private final Map<String, List<String>> queues;
  private final Map<String, Deque<Session>> waiting = new LinkedHashMap<>();
  private final ScheduledExecutorService scheduler;
  private final Clock clock;

  AgentDesk(
      UserAgent center,
      List<UserAgent> agentUas,
      Map<String, List<String>> queues,
      ScheduledExecutorService scheduler,
      Clock clock) {
    this.center = center;
    this.queues = queues;
    this.scheduler = scheduler;
    this.clock = clock;
    for (UserAgent ua : agentUas) {
      agents.put(ua.name(), new Agent(ua.name(), ua, clock.instant()));
    }
    queues.keySet().forEach(q -> waiting.put(q, new ArrayDeque<>()));
  }

  synchronized void enqueue(String queue, Session session) {
    waiting.get(queue).add(session);
    dispatch();
  }

  synchronized void leave(Session session) {
    waiting.values().forEach(q -> q.remove(session));
  }

  /** The session an agent talks to (or is being connected to). */
  synchronized Optional<Session> sessionOf(String agent) {
    Agent a = agents.get(agent);
    return a == null ? Optional.empty() : Optional.ofNullable(a.session);
  }

  boolean hasAgent(String name) {
    return agents.containsKey(name);
  }

  /** Each agent: name, available, idle since; in configuration order. */
  synchronized List<AgentStatus> statuses() {
    List<AgentStatus> out = new ArrayList<>();
    agents.values().forEach(a -> out.add(new AgentStatus(a.name, a.session == null, a.idleSince)));
    return out;
  }

  /** Offers waiting callers, oldest first in each queue, to the queue's available agents. */
  private void dispatch() {
    for (Map.Entry<String, Deque<Session>> q : waiting.entrySet()) {
      while (!q.getValue().isEmpty()) {
        List<AgentStatus> members =
            queues.get(q.getKey()).stream()
                .map(agents::get)
                .map(a -> new AgentStatus(a.name, a.session == null, a.idleSince))
                .toList();
        Optional<String> pick = AgentSelection.longestIdle(members);
        if (pick.isEmpty()) {
          break;
        }
        Session next = q.getValue().poll();
        if (next.queued()) {
          connect(agents.get(pick.get()), q.getKey(), next);
        }
      }
    }
  }

  private void connect(Agent agent, String queue, Session session) {
    UaCall leg;
    try {
      leg = center.dial(agent.ua.uri(agent.name), Map.of());
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot call agent {}: {}", agent.name, e.toString());
      retryLater(queue, session);
      return;
    }
    agent.session = session;
    agent.leg = leg;
    leg.whenFinal(
        status -> {
          if (status < 300) {
            session.agentAnswered(agent.name, leg);
          }
        });
    leg.whenEnded(() -> ended(agent, leg, queue, session));
  }

  /** The agent's call ended: the agent is available again; the caller goes on or waits again. */
  private void ended(Agent agent, UaCall leg, String queue, Session session) {
    synchronized (this) {
      if (agent.leg == leg) {
        agent.session = null;
        agent.leg = null;
        agent.idleSince = clock.instant();
      }
    }
    // Outside the desk's lock: the session takes its own (lock order: session, then desk).
    if (leg.answeredAt() != null) {
      session.agentGone(leg);
    } else {
      LOG.info(
          "agent {} did not answer ({}): caller back in {}", agent.name, leg.finalStatus(), queue);
      retryLater(queue, session);
    }
    synchronized (this) {
      dispatch();
    }
  }

  private void retryLater(String queue, Session session) {
    scheduler.schedule(
        () -> {
          synchronized (this) {
            waiting.get(queue).addFirst(session);
            dispatch();
          }
        },
        RETRY.toMillis(),
        TimeUnit.MILLISECONDS);
  }
}
