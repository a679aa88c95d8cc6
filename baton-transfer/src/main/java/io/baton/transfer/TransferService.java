package io.baton.transfer;

import io.baton.registry.Call;
import io.baton.registry.CallRegistry;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.routing.Numbers;
import io.baton.store.Directory;
import io.baton.store.Principal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the API does, without HTTP: finds calls a principal may see, starts transfers and follows
 * them to their end (docs/architecture.md, "The transfer" 1, 2 and 6). Outcomes are values the API
 * maps to status codes.
 */
public final class TransferService implements TransferUserAgent.NotifyListener {
  private static final Logger LOG = LoggerFactory.getLogger(TransferService.class);
  private static final String PROXY = "proxy";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** How many of the newest calls a listing looks through for the principal's own. */
  private static final int SCAN_LIMIT = 10_000;

  /** What became of a transfer request. */
  public sealed interface Outcome {
    /** Recorded as {@code requested}; the REFER is on its way. */
    record Accepted(TransferView transfer) implements Outcome {}

    /** No such call, or not one the principal may see. */
    record CallNotFound(String callRef) implements Outcome {}

    record CallEnded(String callId) implements Outcome {}

    /** The caller's leg is still trying or ringing. */
    record CallNotAnswered(String callId, String state) implements Outcome {}

    record InFlight(String callId, String transferId) implements Outcome {}

    /** {@code target:name} names no target of the call's tenant. */
    record TargetNotAllowed(String name) implements Outcome {}

    /** The tenant's target exists but leads to neither a number nor a SIP URI. */
    record TargetUnusable(String name, String destination) implements Outcome {}
  }

  private final CallRegistry registry;
  private final Directory directory;
  private final TransferStore store;
  private final Numbers numbers;
  private final Referrer referrer;
  private final Duration notifyGrace;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Transfer> running = new ConcurrentHashMap<>();
  private final Map<String, Transfer> runningByCall = new ConcurrentHashMap<>();
  private final Map<String, ScheduledFuture<?>> timers = new ConcurrentHashMap<>();
  private final Transfer.Context context = this::entered;

  TransferService(
      CallRegistry registry,
      Directory directory,
      TransferStore store,
      Numbers numbers,
      Referrer referrer,
      Duration notifyGrace,
      Clock clock,
      ScheduledExecutorService scheduler) {
    this.registry = registry;
    this.directory = directory;
    this.store = store;
    this.numbers = numbers;
    this.referrer = referrer;
    this.notifyGrace = notifyGrace;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  /**
   * Starts a transfer: find the call → check the principal may move it → check it is answered →
   * resolve the destination → record it → send the REFER.
   */
  public Outcome request(Principal who, String callRef, TransferRequest request) {
    Optional<OwnedCall> found = findCall(who, callRef);
    if (found.isEmpty()) {
      return new Outcome.CallNotFound(callRef);
    }
    OwnedCall call = found.get();
    String state = call.call().state();
    if (call.call().ended()) {
      return new Outcome.CallEnded(call.call().id());
    }
    if (!LegState.ACTIVE.wire().equals(state)) {
      return new Outcome.CallNotAnswered(call.call().id(), state);
    }
    return switch (request.target()) {
      case TransferRequest.Target.Direct d -> recordAndRefer(who, call, request, d.destination());
      case TransferRequest.Target.Named n -> resolveAndRecord(who, call, request, n.name());
    };
  }

  private Outcome resolveAndRecord(
      Principal who, OwnedCall call, TransferRequest request, String name) {
    Optional<String> target =
        call.tenant() == null ? Optional.empty() : directory.target(call.tenant(), name);
    if (target.isEmpty()) {
      return new Outcome.TargetNotAllowed(name);
    }
    return Destination.parse(target.get(), numbers)
        .map(d -> recordAndRefer(who, call, request, d))
        .orElseGet(() -> new Outcome.TargetUnusable(name, target.get()));
  }

  private Outcome recordAndRefer(
      Principal who, OwnedCall call, TransferRequest request, Destination destination) {
    Transfer transfer =
        new Transfer(
            newId(),
            call.call().id(),
            // "" (no tenant) on a call whose DID nobody owns, which only admins may move
            call.tenant() == null ? "" : call.tenant(),
            request.to(),
            destination,
            request.mode(),
            request.timeoutSeconds(),
            clock.instant(),
            context);
    Transfer existing = runningByCall.putIfAbsent(transfer.callId(), transfer);
    if (existing != null) {
      return new Outcome.InFlight(transfer.callId(), existing.id());
    }
    try {
      store.create(transfer, "requested by " + (who.admin() ? "admin" : who.tenantId()));
    } catch (RuntimeException e) {
      runningByCall.remove(transfer.callId(), transfer);
      throw e;
    }
    running.put(transfer.id(), transfer);
    Duration limit = Duration.ofSeconds(transfer.timeoutSeconds()).plus(notifyGrace);
    timers.put(
        transfer.id(),
        scheduler.schedule(
            () -> dispatch(transfer, new Transfer.TimedOut(limit)),
            limit.toMillis(),
            TimeUnit.MILLISECONDS));
    TransferView view = store.find(transfer.id()).orElseThrow();
    Thread.ofVirtual().name("refer-" + transfer.id()).start(() -> refer(transfer, call.call()));
    return new Outcome.Accepted(view);
  }

  /** Sends the REFER to the proxy holding the call's newest live leg, if any proxy does. */
  private void refer(Transfer transfer, Call call) {
    Optional<Leg> proxyLeg =
        call.liveLegs().stream()
            .filter(l -> PROXY.equals(l.element()) && l.state() == LegState.ACTIVE)
            .filter(l -> l.holder() != null && l.uacTag() != null && l.uasTag() != null)
            .max(Comparator.comparing(Leg::startedAt));
    if (proxyLeg.isEmpty()) {
      apply(transfer, new Transfer.NoProxy());
      return;
    }
    CompletableFuture<Referrer.Answer> answer;
    try {
      answer = referrer.refer(transfer, proxyLeg.get());
    } catch (RuntimeException e) {
      LOG.error("cannot send the REFER of {}", transfer.id(), e);
      apply(transfer, new Transfer.ReferRejected(503, "cannot send REFER: " + e.getMessage()));
      return;
    }
    answer.thenAccept(
        a ->
            dispatch(
                transfer,
                a.status() < 300
                    ? new Transfer.ReferAccepted(a.status(), a.reason())
                    : new Transfer.ReferRejected(a.status(), a.reason())));
  }

  /**
   * A NOTIFY relayed by the proxy: applied to its transfer if that still runs.
   *
   * @return false if it names no transfer at all (the caller answers 481)
   */
  @Override
  public boolean onNotify(TransferUserAgent.Notify notify) {
    Transfer transfer = running.get(notify.transferId());
    if (transfer == null) {
      // Ended already (late NOTIFYs are ignored, but answered) or never existed.
      return store.find(notify.transferId()).isPresent();
    }
    boolean isFinal = notify.sipfrag().isPresent() && notify.sipfrag().getAsInt() >= 200;
    if (notify.terminated() && !isFinal) {
      apply(
          transfer, new Transfer.SubscriptionTerminated(notify.cseq(), notify.terminationReason()));
    } else if (notify.sipfrag().isPresent()) {
      apply(
          transfer,
          new Transfer.Notified(notify.cseq(), notify.sipfrag().getAsInt(), notify.reason()));
    } else {
      LOG.debug("NOTIFY {} for {} carries no sipfrag status", notify.cseq(), transfer.id());
    }
    return true;
  }

  /** Applies an event off the caller's thread (SIP stack, scheduler): storing it blocks. */
  private void dispatch(Transfer transfer, Transfer.Event event) {
    Thread.ofVirtual().name("transfer-" + transfer.id()).start(() -> apply(transfer, event));
  }

  private void apply(Transfer transfer, Transfer.Event event) {
    try {
      transfer.on(event);
    } catch (RuntimeException e) {
      LOG.error("{}: cannot apply {}", transfer, event, e);
    }
  }

  /** The machine's context: every transition is stored; an ended transfer frees its call. */
  private void entered(Transfer transfer, Transfer.State from, String cause) {
    LOG.info("{}: {} -> {} ({})", transfer.id(), from.wire(), transfer.state().wire(), cause);
    store.transitioned(transfer, clock.instant(), cause);
    if (transfer.state().terminal()) {
      ScheduledFuture<?> timer = timers.remove(transfer.id());
      if (timer != null) {
        timer.cancel(false);
      }
      running.remove(transfer.id());
      runningByCall.remove(transfer.callId(), transfer);
    }
  }

  /** Stops every transfer timer; transfers still running fail at the next start. */
  void stop() {
    timers.values().forEach(timer -> timer.cancel(false));
    timers.clear();
  }

  /** A transfer the principal may see. */
  public Optional<TransferView> transfer(Principal who, String id) {
    return store.find(id).filter(t -> who.mayAct(t.tenant()));
  }

  /** A call by Baton call id or any leg's SIP Call-ID, with its legs and transfers. */
  public Optional<CallView> call(Principal who, String callRef) {
    return findCall(who, callRef)
        .map(
            c ->
                CallView.of(
                    c.call(),
                    c.tenant(),
                    store.forCalls(List.of(c.call().id())).getOrDefault(c.call().id(), List.of())));
  }

  /** The newest calls the principal may see, at most {@code limit}, optionally in one state. */
  public List<CallView> calls(Principal who, Optional<String> state, int limit) {
    Map<String, Optional<String>> ownerByDid = new HashMap<>();
    List<OwnedCall> visible = new ArrayList<>();
    for (Call call : registry.recent(SCAN_LIMIT)) {
      if (visible.size() == limit) {
        break;
      }
      String tenant =
          call.did() == null
              ? null
              : ownerByDid.computeIfAbsent(call.did(), directory::tenantOf).orElse(null);
      if (who.mayAct(tenant) && state.map(call.state()::equals).orElse(true)) {
        visible.add(new OwnedCall(call, tenant));
      }
    }
    Map<String, List<TransferView>> transfers =
        store.forCalls(visible.stream().map(c -> c.call().id()).toList());
    return visible.stream()
        .map(
            c ->
                CallView.of(c.call(), c.tenant(), transfers.getOrDefault(c.call().id(), List.of())))
        .toList();
  }

  /** A call and the tenant owning its DID (null if none). */
  private record OwnedCall(Call call, String tenant) {}

  private Optional<OwnedCall> findCall(Principal who, String callRef) {
    return registry
        .find(callRef)
        .or(() -> registry.findBySipCallId(callRef))
        .map(
            c ->
                new OwnedCall(c, c.did() == null ? null : directory.tenantOf(c.did()).orElse(null)))
        // Another tenant's call is reported as unknown: its existence is not theirs to learn.
        .filter(c -> who.mayAct(c.tenant()));
  }

  private static String newId() {
    // Random, as the REFER's Call-ID is built from it (RFC 3261 §8.1.1.4).
    return "t-" + HexFormat.of().toHexDigits(RANDOM.nextLong());
  }
}
