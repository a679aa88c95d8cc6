package io.baton.transfer;

import io.baton.registry.Call;
import io.baton.registry.CallRegistry;
import io.baton.store.Directory;
import io.baton.store.RateDecks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a call detail record when a call ends: once its caller's leg and every other leg are over,
 * or {@code transfer.cdrs.settle} after the caller's leg ended, whichever comes first (a leg whose
 * release never reached the registry is billed up to then). One record per call, whatever changes
 * come after.
 */
final class CdrWriter implements CallWatch.Observer {
  private static final Logger LOG = LoggerFactory.getLogger(CdrWriter.class);

  /** How long a written call is remembered, so its last changes write nothing more. */
  private static final Duration REMEMBER = Duration.ofMinutes(5);

  private final CallRegistry registry;
  private final Directory directory;
  private final TransferStore transfers;
  private final CdrStore cdrs;
  private final RateDecks decks;
  private final TransferServerConfig.Cdrs config;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Instant> settling = new ConcurrentHashMap<>();
  private final Map<String, Instant> written = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong writes =
      new java.util.concurrent.atomic.AtomicLong();

  CdrWriter(
      CallRegistry registry,
      Directory directory,
      TransferStore transfers,
      CdrStore cdrs,
      RateDecks decks,
      TransferServerConfig.Cdrs config,
      Clock clock,
      ScheduledExecutorService scheduler) {
    this.registry = registry;
    this.directory = directory;
    this.transfers = transfers;
    this.cdrs = cdrs;
    this.decks = decks;
    this.config = config;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  @Override
  public void changed(String callId, Call call) {
    if (call == null || !call.ended() || written.containsKey(callId)) {
      return;
    }
    if (call.liveLegs().isEmpty()) {
      write(call);
    } else if (settling.putIfAbsent(callId, clock.instant()) == null) {
      scheduler.schedule(
          () -> Thread.ofVirtual().name("cdr-" + callId).start(() -> settled(callId)),
          config.settle().toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  private void settled(String callId) {
    if (!written.containsKey(callId)) {
      registry.find(callId).ifPresent(this::write);
    }
  }

  private void write(Call call) {
    try {
      Instant endedAt = call.endedAt() != null ? call.endedAt() : clock.instant();
      String tenant = call.did() == null ? null : directory.tenantOf(call.did()).orElse(null);
      Cdr cdr =
          Cdr.of(
              call,
              tenant,
              transfers.forCalls(List.of(call.id())).getOrDefault(call.id(), List.of()),
              endedAt,
              decks::rate,
              config.heldPathRate());
      if (cdrs.insert(cdr)) {
        LOG.debug("CDR {}: {} s, cost {}", call.id(), cdr.durationSeconds(), cdr.cost());
      }
      written.put(call.id(), clock.instant());
    } catch (RuntimeException e) {
      LOG.error("cannot write the CDR of {}", call.id(), e);
    } finally {
      settling.remove(call.id());
      forgetOld();
    }
  }

  private void forgetOld() {
    if (writes.incrementAndGet() % 256 != 0) {
      return;
    }
    Instant cutoff = clock.instant().minus(REMEMBER);
    written.values().removeIf(at -> at.isBefore(cutoff));
  }
}
