package io.baton.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testsupport.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CallRegistry} promises, run against each implementation. A "peer" is the
 * registry another process would use to reach the same calls (for an in-memory registry, the same
 * instance).
 */
abstract class CallRegistryContract {
  static final Duration RETAIN = Duration.ofMinutes(5);

  final ManualClock clock = new ManualClock(Instant.parse("2026-05-01T12:00:00.123456789Z"));
  CallRegistry registry;
  private int sequence;

  /**
   * A fresh, empty registry on {@link #clock} retaining ended calls for {@link #RETAIN}; aborts the
   * test (JUnit assumption) where the implementation's store is not available.
   */
  abstract CallRegistry newRegistry();

  /** A second registry sharing {@code registry}'s calls, as another process would. */
  abstract CallRegistry peerOf(CallRegistry registry);

  /** Runs the implementation's clean-up of expired calls. */
  abstract void prune(CallRegistry registry);

  @BeforeEach
  void open() {
    registry = newRegistry();
  }

  @AfterEach
  void closeRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  private String id(String kind) {
    return kind + "-" + (++sequence);
  }

  private Call newCall() {
    return new Call(
        id("c"),
        "sip:alice@10.0.0.1",
        "sip:+18005550100@127.0.0.1:5060",
        "+18005550100",
        clock.instant(),
        List.of());
  }

  private Leg leg(Call call, String element, LegState state) {
    return new Leg(
        id("l"),
        call.id(),
        element,
        "sbc-edge",
        id("sip"),
        state,
        clock.instant(),
        null,
        "127.0.0.1:5060",
        "uac-" + sequence,
        null,
        null,
        null);
  }

  @Test
  void aCreatedCallIsFoundWithItsFieldsAndNoLegs() {
    Call call = newCall();
    registry.createCall(call);

    Call found = registry.find(call.id()).orElseThrow();
    assertThat(found).isEqualTo(call);
    assertThat(found.state()).isEqualTo("trying");
    assertThat(registry.find("c-unknown")).isEmpty();
  }

  @Test
  void legsRoundTripWithEveryFieldOldestFirstAndAreReplacedById() {
    Call call = newCall();
    registry.createCall(call);
    Leg caller = leg(call, Call.CALLER, LegState.TRYING);
    clock.advance(Duration.ofMillis(5));
    Leg leg1 =
        new Leg(
            id("l"),
            call.id(),
            "sbc-edge",
            "proxy",
            id("sip"),
            LegState.FAILED,
            clock.instant(),
            clock.instant().plusMillis(40),
            "127.0.0.1:5060",
            "a1",
            "b2",
            503,
            "cheapnet");
    registry.putLeg(leg1);
    registry.putLeg(caller);
    Leg answered = caller.withState(LegState.ACTIVE, clock.instant()).withUasTag("uas-1");
    registry.putLeg(answered);

    Call found = registry.find(call.id()).orElseThrow();
    assertThat(found.legs()).containsExactly(answered, leg1);
    assertThat(found.state()).isEqualTo("active");
  }

  @Test
  void aCallIsFoundByTheSipCallIdOfAnyOfItsLegs() {
    Call call = newCall();
    registry.createCall(call);
    Leg caller = leg(call, Call.CALLER, LegState.ACTIVE);
    Leg leg1 = leg(call, "sbc-edge", LegState.ACTIVE);
    registry.putLeg(caller);
    registry.putLeg(leg1);

    assertThat(registry.findBySipCallId(caller.sipCallId()).orElseThrow().id())
        .isEqualTo(call.id());
    assertThat(registry.findBySipCallId(leg1.sipCallId()).orElseThrow().legs()).hasSize(2);
    assertThat(registry.findBySipCallId("no-such-call-id")).isEmpty();
  }

  @Test
  void aLegPublishedBeforeItsCallIsKeptWhenTheCallArrives() {
    Call call = newCall();
    Leg early = leg(call, "proxy", LegState.TRYING);
    registry.putLeg(early);
    assertThat(registry.find(call.id()).orElseThrow().legs()).containsExactly(early);

    registry.createCall(call);

    Call found = registry.find(call.id()).orElseThrow();
    assertThat(found.from()).isEqualTo(call.from());
    assertThat(found.did()).isEqualTo("+18005550100");
    assertThat(found.legs()).containsExactly(early);
  }

  @Test
  void recentListsNewestFirstUpToTheLimit() {
    Call first = newCall();
    registry.createCall(first);
    clock.advance(Duration.ofSeconds(1));
    Call second = newCall();
    registry.createCall(second);
    clock.advance(Duration.ofSeconds(1));
    Call third = newCall();
    registry.createCall(third);

    assertThat(registry.recent(10))
        .extracting(Call::id)
        .containsExactly(third.id(), second.id(), first.id());
    assertThat(registry.recent(2)).extracting(Call::id).containsExactly(third.id(), second.id());
    assertThat(registry.recent(0)).isEmpty();
  }

  @Test
  void anEndedCallIsKeptForRetainEndedAfterItEndsThenDropped() {
    Call call = newCall();
    registry.createCall(call);
    Leg caller = leg(call, Call.CALLER, LegState.ACTIVE);
    registry.putLeg(caller);
    clock.advance(Duration.ofMinutes(30));
    registry.putLeg(caller.withState(LegState.RELEASED, clock.instant()));
    Call live = newCall();
    registry.createCall(live);
    registry.putLeg(leg(live, Call.CALLER, LegState.ACTIVE));

    clock.advance(RETAIN.minusSeconds(1));
    prune(registry);
    assertThat(registry.find(call.id()).orElseThrow().state()).isEqualTo("ended");

    clock.advance(Duration.ofSeconds(2));
    prune(registry);
    assertThat(registry.find(call.id())).isEmpty();
    assertThat(registry.findBySipCallId(caller.sipCallId())).isEmpty();
    assertThat(registry.recent(10)).extracting(Call::id).containsExactly(live.id());
  }

  @Test
  void aLiveCallIsNeverDroppedHoweverOld() {
    Call call = newCall();
    registry.createCall(call);
    registry.putLeg(leg(call, Call.CALLER, LegState.ACTIVE));

    clock.advance(RETAIN.multipliedBy(100));
    prune(registry);

    assertThat(registry.find(call.id())).isPresent();
  }

  @Test
  void listenersAreToldOfEveryWriteBeforeItReturns() {
    List<String> changed = new CopyOnWriteArrayList<>();
    registry.addListener(changed::add);
    Call call = newCall();

    registry.createCall(call);
    assertThat(changed).containsExactly(call.id());
    registry.putLeg(leg(call, Call.CALLER, LegState.TRYING));
    assertThat(changed).containsExactly(call.id(), call.id());
  }

  @Test
  void aPeerSeesTheCallsAndIsToldOfTheChanges() {
    try (CallRegistry peer = peerOf(registry)) {
      List<String> seenStates = new CopyOnWriteArrayList<>();
      AtomicInteger told = new AtomicInteger();
      peer.addListener(
          id -> {
            told.incrementAndGet();
            peer.find(id).ifPresent(c -> seenStates.add(c.state()));
          });
      Call call = newCall();
      registry.createCall(call);
      Leg caller = leg(call, Call.CALLER, LegState.TRYING);
      registry.putLeg(caller);
      registry.putLeg(caller.withState(LegState.ACTIVE, clock.instant()));

      assertThat(peer.find(call.id()).orElseThrow().state()).isEqualTo("active");
      assertThat(peer.findBySipCallId(caller.sipCallId())).isPresent();
      // the change is visible by the time the peer hears of it
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> seenStates.contains("active"));
      assertThat(told.get()).isGreaterThanOrEqualTo(3);
    }
  }
}
