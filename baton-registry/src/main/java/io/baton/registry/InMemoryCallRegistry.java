package io.baton.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The registry of a single node: every element in one process writes here. Ended calls are kept for
 * {@code retainEnded} so the API can still show how they ended, then dropped.
 */
public final class InMemoryCallRegistry implements CallRegistry {
  private static final int PRUNE_EVERY = 256;

  private record Entry(Call call, Map<String, Leg> legs) {}

  private final Clock clock;
  private final Duration retainEnded;
  private final int maxEnded;

  /** Ended calls kept at most, whatever {@code retainEnded} says. */
  public static final int DEFAULT_MAX_ENDED = 10_000;

  private final Map<String, Entry> calls = new ConcurrentHashMap<>();
  private final Map<String, String> bySipCallId = new ConcurrentHashMap<>();
  private final List<CallListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong writes = new AtomicLong();

  /** Keeps ended calls for {@code retainEnded}, at most {@link #DEFAULT_MAX_ENDED} of them. */
  public InMemoryCallRegistry(Clock clock, Duration retainEnded) {
    this(clock, retainEnded, DEFAULT_MAX_ENDED);
  }

  public InMemoryCallRegistry(Clock clock, Duration retainEnded, int maxEnded) {
    this.clock = clock;
    this.retainEnded = retainEnded;
    this.maxEnded = maxEnded;
  }

  @Override
  public void createCall(Call call) {
    calls.compute(
        call.id(),
        (id, existing) ->
            new Entry(
                new Call(id, call.from(), call.to(), call.did(), call.startedAt(), List.of()),
                existing == null ? new ConcurrentHashMap<>() : existing.legs()));
    for (Leg leg : call.legs()) {
      putLeg(leg);
    }
    changed(call.id());
  }

  @Override
  public void putLeg(Leg leg) {
    Entry entry =
        calls.computeIfAbsent(
            leg.callId(),
            id ->
                new Entry(
                    new Call(id, null, null, null, leg.startedAt(), List.of()),
                    new ConcurrentHashMap<>()));
    entry.legs().put(leg.id(), leg);
    if (leg.sipCallId() != null) {
      bySipCallId.put(leg.sipCallId(), leg.callId());
    }
    changed(leg.callId());
  }

  @Override
  public Optional<Call> find(String callId) {
    Entry e = calls.get(callId);
    return e == null ? Optional.empty() : Optional.of(view(e));
  }

  @Override
  public Optional<Call> findBySipCallId(String sipCallId) {
    String id = bySipCallId.get(sipCallId);
    return id == null ? Optional.empty() : find(id);
  }

  @Override
  public List<Call> recent(int limit) {
    List<Call> all = new ArrayList<>();
    for (Entry e : calls.values()) {
      all.add(view(e));
    }
    all.sort(Comparator.comparing(Call::startedAt).reversed());
    return all.size() > limit ? List.copyOf(all.subList(0, limit)) : all;
  }

  @Override
  public void addListener(CallListener listener) {
    listeners.add(listener);
  }

  /** Number of calls held, ended ones included. */
  public int size() {
    return calls.size();
  }

  private static Call view(Entry e) {
    Call c = e.call();
    return new Call(
        c.id(), c.from(), c.to(), c.did(), c.startedAt(), List.copyOf(e.legs().values()));
  }

  private void changed(String callId) {
    for (CallListener l : listeners) {
      l.changed(callId);
    }
    if (writes.incrementAndGet() % PRUNE_EVERY == 0) {
      prune();
    }
  }

  /**
   * Drops calls that ended longer than {@code retainEnded} ago and, beyond {@code maxEnded} ended
   * calls, the oldest ended ones: memory stays bounded whatever the call rate.
   */
  public void prune() {
    Instant cutoff = clock.instant().minus(retainEnded);
    List<Map.Entry<String, Instant>> ended = new ArrayList<>();
    for (Map.Entry<String, Entry> e : calls.entrySet()) {
      Instant endedAt = Call.endedAt(e.getValue().call().startedAt(), e.getValue().legs().values());
      if (endedAt == null) {
        continue;
      }
      if (endedAt.isBefore(cutoff)) {
        calls.remove(e.getKey());
      } else {
        ended.add(Map.entry(e.getKey(), endedAt));
      }
    }
    if (ended.size() > maxEnded) {
      ended.sort(Map.Entry.comparingByValue());
      ended.subList(0, ended.size() - maxEnded).forEach(e -> calls.remove(e.getKey()));
    }
    bySipCallId.values().removeIf(id -> !calls.containsKey(id));
  }
}
