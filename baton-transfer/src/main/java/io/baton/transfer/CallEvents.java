package io.baton.transfer;

import io.baton.registry.Call;
import io.baton.registry.CallRegistry;
import io.baton.store.Directory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes {@code call.updated} whenever a call's state ({@code trying|ringing|active|ended})
 * changes, as the {@link CallWatch} shows it, if anyone would receive it (a call's state is not
 * stored by Baton, so an event nobody would get is not made).
 */
final class CallEvents implements CallWatch.Observer {

  /** How long an ended call is remembered, so its last legs' releases publish nothing more. */
  static final Duration REMEMBER_ENDED = Duration.ofMinutes(1);

  /** What was last published for a call, and when. */
  private record Published(String state, String tenant, Instant at) {}

  private final CallRegistry registry;
  private final Directory directory;
  private final TransferStore store;
  private final Events events;
  private final Clock clock;
  private final Map<String, Published> published = new ConcurrentHashMap<>();

  CallEvents(
      CallRegistry registry, Directory directory, TransferStore store, Events events, Clock clock) {
    this.registry = registry;
    this.directory = directory;
    this.store = store;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public void changed(String callId, Call call) {
    if (call == null) {
      published.remove(callId);
      return;
    }
    Published last = published.get(callId);
    if (last != null && last.state().equals(call.state())) {
      return;
    }
    String tenant =
        last != null
            ? last.tenant()
            : call.did() == null ? "" : directory.tenantOf(call.did()).orElse("");
    if (events.wanted(tenant)) {
      publish(call, tenant);
    }
    published.put(callId, new Published(call.state(), tenant, clock.instant()));
  }

  private void publish(Call call, String tenant) {
    String callId = call.id();
    events.publish(
        tenant,
        Event.CALL_UPDATED,
        c ->
            CallView.of(
                call,
                tenant.isEmpty() ? null : tenant,
                store.forCalls(c, List.of(callId)).getOrDefault(callId, List.of())));
  }

  /**
   * Forgets calls that ended more than {@link #REMEMBER_ENDED} ago, and calls the registry no
   * longer holds (ended without this server seeing it).
   */
  void prune() {
    Instant cutoff = clock.instant().minus(REMEMBER_ENDED);
    published
        .entrySet()
        .removeIf(
            e ->
                "ended".equals(e.getValue().state())
                    ? e.getValue().at().isBefore(cutoff)
                    : registry.find(e.getKey()).isEmpty());
  }
}
