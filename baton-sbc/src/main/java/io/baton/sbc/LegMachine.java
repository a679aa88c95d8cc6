package io.baton.sbc;

import io.baton.registry.Leg;
import io.baton.registry.LegState;
import java.time.Clock;

/**
 * The state of one call leg (one SIP dialog hop) as this SBC sees it, in the registry's vocabulary:
 *
 * <pre>
 *   trying --Progress--> ringing --Progress--> ringing
 *   trying|ringing --Answer--> active --Release--> released
 *   trying|ringing --Failure(status)--> failed
 * </pre>
 *
 * Every change is published through the context; anything else is a bug and throws.
 */
final class LegMachine {

  sealed interface Event permits Progress, Answer, Failure, Release {}

  /** A provisional response (18x) or, for the caller's leg, one relayed to the caller. */
  record Progress(String uasTag) implements Event {}

  /** A 2xx: the dialog is confirmed. */
  record Answer(String uasTag) implements Event {}

  /** A final status ≥ 300 (real, or made up locally: 408, 487, 503). */
  record Failure(int sipStatus) implements Event {}

  /** BYE, sent or received. */
  record Release() implements Event {}

  /** Where leg records go: the call registry, or nowhere for legs this SBC does not publish. */
  @FunctionalInterface
  interface Context {
    void publish(Leg leg);
  }

  private final Context context;
  private final Clock clock;
  private Leg leg;

  /** Starts a leg in {@code trying} and publishes it. */
  LegMachine(Leg leg, Context context, Clock clock) {
    if (leg.state() != LegState.TRYING) {
      throw new IllegalArgumentException("a leg starts in trying, not " + leg.state());
    }
    this.leg = leg;
    this.context = context;
    this.clock = clock;
    context.publish(leg);
  }

  Leg leg() {
    return leg;
  }

  LegState state() {
    return leg.state();
  }

  /** Applies one event, publishing the leg if it changed. */
  LegState on(Event event) {
    LegState from = leg.state();
    Leg next =
        switch (from) {
          case TRYING, RINGING ->
              switch (event) {
                case Progress p -> withTag(p.uasTag()).withState(LegState.RINGING, clock.instant());
                case Answer a -> withTag(a.uasTag()).withState(LegState.ACTIVE, clock.instant());
                case Failure f ->
                    leg.withSipStatus(f.sipStatus()).withState(LegState.FAILED, clock.instant());
                case Release r -> throw illegal(from, event);
              };
          case ACTIVE ->
              switch (event) {
                case Release r -> leg.withState(LegState.RELEASED, clock.instant());
                case Progress p -> throw illegal(from, event);
                case Answer a -> throw illegal(from, event);
                case Failure f -> throw illegal(from, event);
              };
          case RELEASED, FAILED -> throw illegal(from, event);
        };
    if (!next.equals(leg)) {
      leg = next;
      context.publish(leg);
    }
    return leg.state();
  }

  private Leg withTag(String uasTag) {
    return uasTag == null || leg.uasTag() != null ? leg : leg.withUasTag(uasTag);
  }

  private IllegalStateException illegal(LegState from, Event event) {
    return new IllegalStateException(
        "leg " + leg.id() + ": " + event + " is not allowed in state " + from);
  }
}
