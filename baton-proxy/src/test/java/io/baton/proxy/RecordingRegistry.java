package io.baton.proxy;

import io.baton.registry.Call;
import io.baton.registry.CallRegistry;
import io.baton.registry.InMemoryCallRegistry;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory registry that also keeps every leg write, to check a leg's state history. */
final class RecordingRegistry implements CallRegistry {
  private final InMemoryCallRegistry registry =
      new InMemoryCallRegistry(Clock.systemUTC(), Duration.ofMinutes(5));
  private final List<Leg> writes = new CopyOnWriteArrayList<>();

  @Override
  public void createCall(Call call) {
    registry.createCall(call);
  }

  @Override
  public void putLeg(Leg leg) {
    writes.add(leg);
    registry.putLeg(leg);
  }

  @Override
  public Optional<Call> find(String callId) {
    return registry.find(callId);
  }

  @Override
  public Optional<Call> findBySipCallId(String sipCallId) {
    return registry.findBySipCallId(sipCallId);
  }

  @Override
  public List<Call> recent(int limit) {
    return registry.recent(limit);
  }

  @Override
  public void addListener(CallListener listener) {
    registry.addListener(listener);
  }

  /** The states the leg(s) of this SIP Call-ID were written in, in order. */
  List<LegState> history(String sipCallId) {
    return writes.stream().filter(l -> sipCallId.equals(l.sipCallId())).map(Leg::state).toList();
  }

  /** The latest write of the leg with this SIP Call-ID. */
  Optional<Leg> latest(String sipCallId) {
    return writes.stream().filter(l -> sipCallId.equals(l.sipCallId())).reduce((a, b) -> b);
  }
}
