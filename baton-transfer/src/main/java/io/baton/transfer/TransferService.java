package io.baton.transfer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.contract.BatonHeaders;
import io.baton.contract.TransferOutcome;
import io.baton.registry.Call;
import io.baton.registry.CallRegistry;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.routing.Numbers;
import io.baton.store.Directory;
import io.baton.store.Principal;
import io.baton.store.TransferPolicy;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the API does, without HTTP: finds calls a principal may see, starts transfers (once per
 * {@code Idempotency-Key}) and follows them to their end (docs/architecture.md, "The transfer" 1, 2
 * and 6, and "Transfers that always finish"). Outcomes are values the API maps to status codes.
 */
public final class TransferService implements TransferUserAgent.NotifyListener {
  private static final Logger LOG = LoggerFactory.getLogger(TransferService.class);
  private static final String PROXY = "proxy";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** How many of the newest calls a listing looks through for the principal's own. */
  private static final int SCAN_LIMIT = 10_000;

  /** Requests with the same key wait for each other on one of these (by the key's hash). */
  private static final int KEY_LOCKS = 64;

  /** What became of a transfer request. */
  public sealed interface Outcome {
    /** Recorded as {@code requested}; the REFER is on its way. */
    record Accepted(TransferView transfer) implements Outcome {}

    /** The key was used for the same request before: its first answer, as it was sent. */
    record Replayed(String transferId, String body) implements Outcome {}

    /** The key was used for a different request within the window. */
    record KeyReused(String key) implements Outcome {}

    /** No such call, or not one the principal may see. */
    record CallNotFound(String callRef) implements Outcome {}

    record CallEnded(String callId) implements Outcome {}

    /** The caller's leg is still trying or ringing. */
    record CallNotAnswered(String callId, String state) implements Outcome {}

    record InFlight(String callId, String transferId) implements Outcome {}

    /** {@code target:name} at {@code field} names no target of the call's tenant. */
    record TargetNotAllowed(String field, String name) implements Outcome {}

    /** The tenant's target exists but leads to neither a number nor a SIP URI. */
    record TargetUnusable(String field, String name, String destination) implements Outcome {}

    /** The tenant's transfer policy refuses a target, or the request as a whole. */
    record PolicyRefused(TransferGuard.Rule rule, String detail) implements Outcome {}
  }

  private final CallRegistry registry;
  private final Directory directory;
  private final TransferStore store;
  private final IdempotencyKeys keys;
  private final Events events;
  private final Numbers numbers;
  private final PolicyCheck policy;
  private final TransferCounters counters;
  private final Referrer referrer;
  private final Metrics metrics;
  private final TransferServerConfig config;
  private final ObjectMapper json;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Transfer> running = new ConcurrentHashMap<>();
  private final Map<String, Transfer> runningByCall = new ConcurrentHashMap<>();
  private final Map<String, List<ScheduledFuture<?>>> timers = new ConcurrentHashMap<>();

  /** Transfers taken up after a restart that have not ended yet, by call id. */
  private final Map<String, Transfer> recovering = new ConcurrentHashMap<>();

  private final ReentrantLock[] keyLocks = new ReentrantLock[KEY_LOCKS];
  private final Transfer.Context context = this::entered;

  TransferService(
      CallRegistry registry,
      Directory directory,
      TransferStore store,
      IdempotencyKeys keys,
      Events events,
      Numbers numbers,
      PolicyCheck policy,
      TransferCounters counters,
      Referrer referrer,
      Metrics metrics,
      TransferServerConfig config,
      ObjectMapper json,
      Clock clock,
      ScheduledExecutorService scheduler) {
    this.registry = registry;
    this.directory = directory;
    this.store = store;
    this.keys = keys;
    this.events = events;
    this.numbers = numbers;
    this.policy = policy;
    this.counters = counters;
    this.referrer = referrer;
    this.metrics = metrics;
    this.config = config;
    this.json = json;
    this.clock = clock;
    this.scheduler = scheduler;
    for (int i = 0; i < KEY_LOCKS; i++) {
      keyLocks[i] = new ReentrantLock();
    }
  }

  /**
   * Starts a transfer, or with an {@code idempotencyKey} already used for this request, answers as
   * the first time: check the key → find the call → check the principal may move it → check it is
   * answered → resolve the targets → hold them to the tenant's policy → admit it under the tenant's
   * caps → record it (with the key) → send the REFER.
   */
  public Outcome request(
      Principal who, String callRef, TransferRequest request, Optional<String> idempotencyKey) {
    if (idempotencyKey.isEmpty()) {
      return start(who, callRef, request, Optional.empty());
    }
    IdempotencyKeys.Claim claim =
        IdempotencyKeys.Claim.of(who, idempotencyKey.get(), request.canonical(json, callRef));
    // Duplicates in this server wait for the first to be recorded; across servers the key's
    // primary key decides (IdempotencyKeys.Taken).
    ReentrantLock lock =
        keyLocks[Math.floorMod((claim.scope() + " " + claim.key()).hashCode(), KEY_LOCKS)];
    lock.lock();
    try {
      return keys.find(claim, keyCutoff())
          .map(used -> replay(claim, used))
          .orElseGet(() -> start(who, callRef, request, Optional.of(claim)));
    } finally {
      lock.unlock();
    }
  }

  private static Outcome replay(IdempotencyKeys.Claim claim, IdempotencyKeys.Used used) {
    return used.requestHash().equals(claim.requestHash())
        ? new Outcome.Replayed(used.transferId(), used.response())
        : new Outcome.KeyReused(claim.key());
  }

  private Instant keyCutoff() {
    return clock.instant().minus(config.idempotencyWindow());
  }

  private Outcome start(
      Principal who,
      String callRef,
      TransferRequest request,
      Optional<IdempotencyKeys.Claim> claim) {
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
    List<Transfer.Target> targets = new ArrayList<>();
    for (TransferRequest.TargetRequest t : request.targets()) {
      switch (t.target()) {
        case TransferRequest.Target.Direct d ->
            targets.add(new Transfer.Target(t.to(), d.destination(), t.timeoutSeconds()));
        case TransferRequest.Target.Named n -> {
          Optional<String> named =
              call.tenant() == null ? Optional.empty() : directory.target(call.tenant(), n.name());
          if (named.isEmpty()) {
            return new Outcome.TargetNotAllowed(t.field(), n.name());
          }
          Optional<ReferTarget> destination = ReferTarget.parse(named.get(), numbers);
          if (destination.isEmpty()) {
            return new Outcome.TargetUnusable(t.field(), n.name(), named.get());
          }
          targets.add(new Transfer.Target(t.to(), destination.get(), t.timeoutSeconds()));
        }
      }
    }
    // "" (no tenant) on a call whose DID nobody owns, which only admins may move
    String tenant = call.tenant() == null ? "" : call.tenant();
    TransferPolicy held = policy.policyOf(tenant);
    Optional<TransferGuard.Verdict.Refused> refused =
        policy.targets(tenant, held, request.targets(), targets);
    if (refused.isPresent()) {
      return refuse(refused.get());
    }
    return admit(who, call, tenant, held, request, targets, claim);
  }

  private static Outcome refuse(TransferGuard.Verdict.Refused refused) {
    LOG.info("transfer refused by policy ({}): {}", refused.rule().wire(), refused.detail());
    return new Outcome.PolicyRefused(refused.rule(), refused.detail());
  }

  /**
   * Within the tenant's caps (counted alone among its requests, so two at once cannot both take the
   * last place), records the transfer and sends its REFER.
   */
  private Outcome admit(
      Principal who,
      OwnedCall call,
      String tenant,
      TransferPolicy held,
      TransferRequest request,
      List<Transfer.Target> targets,
      Optional<IdempotencyKeys.Claim> claim) {
    return counters.admit(
        tenant,
        window -> {
          TransferGuard.Verdict caps =
              TransferGuard.caps(
                  tenant, held, new TransferGuard.Counts(window.lastMinute(), inFlight(tenant)));
          if (caps instanceof TransferGuard.Verdict.Refused refused) {
            return refuse(refused);
          }
          Outcome outcome =
              recordAndRefer(who, call, tenant, request, targets, held.maxRatePerMinute(), claim);
          if (outcome instanceof Outcome.Accepted) {
            window.started();
          }
          return outcome;
        });
  }

  /** The tenant's transfers not yet ended, in this server (one node: see TransferCounters). */
  private int inFlight(String tenant) {
    return (int) running.values().stream().filter(t -> t.tenant().equals(tenant)).count();
  }

  private Outcome recordAndRefer(
      Principal who,
      OwnedCall call,
      String tenant,
      TransferRequest request,
      List<Transfer.Target> targets,
      BigDecimal maxRate,
      Optional<IdempotencyKeys.Claim> claim) {
    Transfer transfer =
        new Transfer(
            newId(),
            call.call().id(),
            tenant,
            targets,
            request.mode(),
            request.onFail(),
            request.headers(),
            maxRate,
            clock.instant(),
            context);
    Transfer existing = runningByCall.putIfAbsent(transfer.callId(), transfer);
    if (existing != null) {
      return new Outcome.InFlight(transfer.callId(), existing.id());
    }
    TransferView view;
    try {
      view = record(who, transfer, claim);
    } catch (IdempotencyKeys.Taken e) {
      runningByCall.remove(transfer.callId(), transfer);
      IdempotencyKeys.Claim taken = claim.orElseThrow();
      return keys.find(taken, keyCutoff()).map(used -> replay(taken, used)).orElseThrow(() -> e);
    } catch (RuntimeException e) {
      runningByCall.remove(transfer.callId(), transfer);
      throw e;
    }
    running.put(transfer.id(), transfer);
    Duration limit = transfer.ringTime().plus(config.notifyGrace());
    schedule(transfer, new Transfer.TimedOut(limit), limit);
    schedule(transfer, new Transfer.ReferUnanswered(config.referTimeout()), config.referTimeout());
    Thread.ofVirtual().name("refer-" + transfer.id()).start(() -> refer(transfer, call.call()));
    return new Outcome.Accepted(view);
  }

  /**
   * Stores the new transfer, its key and its {@code requested} event in one transaction.
   *
   * @throws IdempotencyKeys.Taken if another transaction recorded the key first
   */
  private TransferView record(
      Principal who, Transfer transfer, Optional<IdempotencyKeys.Claim> claim) {
    String cause = "requested by " + (who.admin() ? "admin" : who.tenantId());
    return events.publish(
        transfer.tenant(),
        Event.TRANSFER_UPDATED,
        c -> {
          store.insert(c, transfer, cause);
          TransferView view = store.find(c, transfer.id()).orElseThrow();
          if (claim.isPresent()) {
            keys.insert(
                c, claim.get(), transfer.id(), write(view), transfer.createdAt(), keyCutoff());
          }
          return view;
        });
  }

  private void schedule(Transfer transfer, Transfer.Event event, Duration after) {
    schedule(transfer, () -> dispatch(transfer, event), after);
  }

  /** Runs {@code work} (which must not block the scheduler) after {@code after}. */
  private void schedule(Transfer transfer, Runnable work, Duration after) {
    timers
        .computeIfAbsent(transfer.id(), id -> new CopyOnWriteArrayList<>())
        .add(scheduler.schedule(work, after.toMillis(), TimeUnit.MILLISECONDS));
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
    TransferOutcome outcome = null;
    if (notify.outcome() != null) {
      outcome = TransferOutcome.fromWire(notify.outcome()).orElse(null);
      if (outcome == null) {
        LOG.warn(
            "{}: unknown {} '{}'", transfer.id(), BatonHeaders.TRANSFER_OUTCOME, notify.outcome());
      }
    }
    Integer status = notify.sipfrag().isPresent() ? notify.sipfrag().getAsInt() : null;
    if (notify.terminated()) {
      apply(
          transfer,
          new Transfer.Ended(
              notify.cseq(),
              notify.attempt(),
              status,
              notify.reason(),
              outcome,
              notify.terminationReason()));
    } else if (status != null) {
      apply(
          transfer,
          new Transfer.Progress(notify.cseq(), notify.attempt(), status, notify.reason()));
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

  /**
   * The machine's context: every transition is stored and published; an ended transfer frees its
   * call and its timers.
   */
  private void entered(Transfer transfer, Transfer.State from, String cause) {
    LOG.info("{}: {} -> {} ({})", transfer.id(), from.wire(), transfer.state().wire(), cause);
    Instant at = clock.instant();
    try {
      events.publish(
          transfer.tenant(),
          Event.TRANSFER_UPDATED,
          c -> {
            store.transitioned(c, transfer, at, cause);
            return store.find(c, transfer.id()).orElseThrow();
          });
    } finally {
      if (transfer.state().terminal()) {
        metrics.transferEnded(transfer.state().wire(), Duration.between(transfer.createdAt(), at));
        List<ScheduledFuture<?>> pending = timers.remove(transfer.id());
        if (pending != null) {
          pending.forEach(timer -> timer.cancel(false));
        }
        running.remove(transfer.id());
        runningByCall.remove(transfer.callId(), transfer);
        recovering.remove(transfer.callId(), transfer);
      }
    }
  }

  /**
   * Takes up every transfer a previous run left running: the REFER went out (or not) and SBC-edge
   * may have finished, be finishing, or never have heard of it. Each follows its NOTIFYs again and
   * waits for its own deadline, and ends as soon as the call's legs show how it went ({@link
   * TransferRecovery}); every change is stored and published like any other.
   *
   * @return how many
   */
  int recover() {
    List<TransferView> unfinished = store.unfinished();
    for (TransferView stored : unfinished) {
      Transfer transfer = Transfer.resumed(stored, context);
      running.put(transfer.id(), transfer);
      runningByCall.put(transfer.callId(), transfer);
      recovering.put(transfer.callId(), transfer);
      Duration limit = transfer.ringTime().plus(config.notifyGrace());
      Duration left = Duration.between(clock.instant(), transfer.createdAt().plus(limit));
      schedule(transfer, new Transfer.TimedOut(limit), left.isNegative() ? Duration.ZERO : left);
      reconsider(transfer, registry.find(transfer.callId()));
    }
    return unfinished.size();
  }

  /** A call changed: a transfer recovered on it may now be decided by its legs. */
  void callChanged(String callId, Call call) {
    Transfer transfer = recovering.get(callId);
    if (transfer != null) {
      reconsider(transfer, Optional.ofNullable(call));
    }
  }

  private void reconsider(Transfer transfer, Optional<Call> call) {
    switch (TransferRecovery.decide(transfer.mode(), transfer.createdAt(), call, clock.instant())) {
      case TransferRecovery.Verdict.Ended e ->
          apply(transfer, new Transfer.Recovered(e.state(), e.cause()));
      case TransferRecovery.Verdict.Open o -> {
        LOG.debug("{}: not decided after the restart: {}", transfer.id(), o.why());
        if (o.recheckAt() != null && recovering.get(transfer.callId()) == transfer) {
          schedule(
              transfer,
              () ->
                  Thread.ofVirtual()
                      .name("recover-" + transfer.id())
                      .start(() -> reconsider(transfer, registry.find(transfer.callId()))),
              Duration.between(clock.instant(), o.recheckAt()));
        }
      }
    }
  }

  /** Forgets idempotency keys older than the window; returns how many. */
  int purgeKeys() {
    return keys.purge(keyCutoff());
  }

  /** Stops every transfer timer; transfers still running are taken up at the next start. */
  void stop() {
    timers.values().forEach(pending -> pending.forEach(timer -> timer.cancel(false)));
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

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value, e);
    }
  }

  private static String newId() {
    // Random, as the REFER's Call-ID is built from it (RFC 3261 §8.1.1.4).
    return "t-" + HexFormat.of().toHexDigits(RANDOM.nextLong());
  }
}
