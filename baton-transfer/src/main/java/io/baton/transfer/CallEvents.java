package io.baton.transfer;

import io.baton.registry.Call;
import io.baton.registry.CallRegistry;
import io.baton.store.Directory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@code call.updated} whenever a call's state ({@code trying|ringing|active|ended})
 * changes, as the registry reports it, if anyone would receive it (a call's state is not stored by
 * Baton, so an event nobody would get is not made). The registry tells its listeners on the
 * writer's thread (a SIP handler), so the listener only queues the call id; one virtual thread
 * reads the call and publishes, in the order changes arrived. A call changed several times before
 * it is read is read once.
 */
final class CallEvents implements CallRegistry.CallListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CallEvents.class);

  /** How long an ended call is remembered, so its last legs' releases publish nothing more. */
  static final Duration REMEMBER_ENDED = Duration.ofMinutes(1);

  /** What was last published for a call, and when. */
  private record Published(String state, String tenant, Instant at) {}

  private final CallRegistry registry;
  private final Directory directory;
  private final TransferStore store;
  private final Events events;
  private final Clock clock;
  private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private final Map<String, Published> published = new ConcurrentHashMap<>();
  private volatile Thread worker;
  private volatile boolean closed;

  CallEvents(
      CallRegistry registry, Directory directory, TransferStore store, Events events, Clock clock) {
    this.registry = registry;
    this.directory = directory;
    this.store = store;
    this.events = events;
    this.clock = clock;
  }

  void start() {
    worker = Thread.ofVirtual().name("call-events").start(this::run);
    registry.addListener(this);
  }

  @Override
  public void changed(String callId) {
    if (!closed && queued.add(callId)) {
      queue.add(callId);
    }
  }

  private void run() {
    while (!closed) {
      String callId;
      try {
        callId = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      queued.remove(callId);
      try {
        publishIfChanged(callId);
      } catch (RuntimeException e) {
        LOG.error("cannot publish call {}", callId, e);
      }
    }
  }

  private void publishIfChanged(String callId) {
    Optional<Call> found = registry.find(callId);
    if (found.isEmpty()) {
      published.remove(callId);
      return;
    }
    Call call = found.get();
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

  /** Stops publishing (the registry has no way to remove a listener: it is ignored from now). */
  @Override
  public void close() {
    closed = true;
    Thread w = worker;
    if (w != null) {
      w.interrupt();
    }
  }
}
