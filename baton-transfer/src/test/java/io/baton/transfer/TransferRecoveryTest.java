package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.contract.TransferMode;
import io.baton.registry.Call;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.transfer.TransferRecovery.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the legs of a call show became of a transfer, after a restart: plain data in and out. */
class TransferRecoveryTest {
  private static final Instant CALL = Instant.parse("2026-06-01T09:00:00Z");

  /** The transfer was requested 10 s into the call. */
  private static final Instant T = CALL.plusSeconds(10);

  private static final TransferMode MBB = TransferMode.MAKE_BEFORE_BREAK;

  /** Long after every leg below changed: the call is quiet. */
  private static final Instant LATER = T.plusSeconds(60);

  private final List<Leg> legs = new ArrayList<>();
  private int next;

  /**
   * A leg opened at {@code startedAt} (seconds after the call started), ended at {@code endedAt}.
   */
  private Leg leg(String element, String peer, LegState state, double startedAt, Double endedAt) {
    Leg l =
        new Leg(
            "l-" + next++,
            "c-1",
            element,
            peer,
            "sip-" + next,
            state,
            at(startedAt),
            endedAt == null ? null : at(endedAt),
            "127.0.0.1:5060",
            "uac",
            "uas",
            state == LegState.FAILED ? 486 : null,
            null);
    legs.add(l);
    return l;
  }

  private static Instant at(double seconds) {
    return CALL.plusMillis(Math.round(seconds * 1000));
  }

  /** The caller's leg and the first path through the proxy to the call center. */
  private void firstPath(LegState caller, Double callerEnded, LegState old, Double oldEnded) {
    leg("caller", "sbc-edge", caller, 0, callerEnded);
    leg("sbc-edge", "proxy", old, 0.01, oldEnded);
    leg("proxy", "sbc-dest", old, 0.02, oldEnded);
    leg("sbc-dest", "callcenter", old, 0.03, oldEnded);
  }

  private Verdict decide(TransferMode mode, Instant now) {
    return TransferRecovery.decide(
        mode,
        T,
        Optional.of(new Call("c-1", "sip:a@x", "sip:b@y", "+18005550100", CALL, legs)),
        now);
  }

  private static void assertEnded(Verdict v, Transfer.State state, String cause) {
    assertThat(v).isInstanceOf(Verdict.Ended.class);
    Verdict.Ended e = (Verdict.Ended) v;
    assertThat(e.state()).isEqualTo(state);
    assertThat(e.cause()).isEqualTo(cause);
  }

  @Test
  void aCallTheRegistryNoLongerHoldsFailsTheTransfer() {
    assertEnded(
        TransferRecovery.decide(MBB, T, Optional.empty(), LATER),
        Transfer.State.FAILED,
        "transfer server restarted; the call is no longer in the call registry");
  }

  @Test
  void aNewLegAnsweredAndTheOldPathReleasedIsCompleted() {
    firstPath(LegState.ACTIVE, null, LegState.RELEASED, 12.5);
    leg("sbc-edge", "sbc-carrier", LegState.ACTIVE, 10.2, null);
    leg("sbc-carrier", "pstn-sales", LegState.ACTIVE, 10.21, null);

    assertEnded(
        decide(MBB, LATER),
        Transfer.State.COMPLETED,
        "transfer server restarted; the call's legs show the new destination answered and the old"
            + " path was released");
  }

  @Test
  void aNewLegAnsweredWhileTheOldPathIsStillUpIsNotDecidedYet() {
    firstPath(LegState.ACTIVE, null, LegState.ACTIVE, null);
    leg("sbc-edge", "sbc-carrier", LegState.ACTIVE, 10.2, null);

    assertThat(decide(MBB, LATER))
        .isEqualTo(new Verdict.Open("a new leg answered, the old path is not released yet", null));
  }

  @Test
  void aCallerWhoHungUpAfterTheNewLegAnsweredWasMoved() {
    firstPath(LegState.RELEASED, 20.0, LegState.RELEASED, 20.0);
    leg("sbc-edge", "sbc-carrier", LegState.RELEASED, 10.2, 20.0);

    assertThat(((Verdict.Ended) decide(MBB, LATER)).state()).isEqualTo(Transfer.State.COMPLETED);
  }

  @Test
  void aTargetStillRingingIsFollowedNotDecided() {
    firstPath(LegState.ACTIVE, null, LegState.ACTIVE, null);
    leg("sbc-edge", "sbc-carrier", LegState.FAILED, 10.2, 11.0);
    leg("sbc-edge", "support", LegState.RINGING, 11.1, null);

    assertThat(decide(MBB, LATER))
        .isEqualTo(new Verdict.Open("SBC-edge is dialling a target", null));
  }

  @Test
  void theOldPathStillUpWithNothingDialledFailsOnceTheLegsWereQuietForTheSettleTime() {
    firstPath(LegState.ACTIVE, null, LegState.ACTIVE, null);
    leg("sbc-edge", "sbc-carrier", LegState.FAILED, 10.2, 11.0);
    Instant quietUntil = at(11.0).plus(TransferRecovery.SETTLE);

    assertThat(decide(MBB, at(11.5)))
        .as("SBC-edge may be between two targets")
        .isEqualTo(new Verdict.Open("no target is being dialled yet", quietUntil));
    assertEnded(
        decide(MBB, quietUntil),
        Transfer.State.FAILED,
        "transfer server restarted; no new destination answered; the caller stays on the first"
            + " destination");
  }

  @Test
  void aRequestWhoseReferNeverArrivedFailsWithTheCallerLeftWhereTheyWere() {
    firstPath(LegState.ACTIVE, null, LegState.ACTIVE, null);

    assertThat(((Verdict.Ended) decide(MBB, LATER)).state()).isEqualTo(Transfer.State.FAILED);
  }

  @Test
  void aTargetGivenUpWhenTheCallerHungUpMeansCancelled() {
    firstPath(LegState.RELEASED, 15.0, LegState.RELEASED, 15.0);
    leg("sbc-edge", "sbc-carrier", LegState.FAILED, 10.2, 15.05);

    assertEnded(
        decide(MBB, LATER),
        Transfer.State.CANCELLED,
        "transfer server restarted; the call's legs show the caller hung up during the transfer");
  }

  @Test
  void targetsThatFailedBeforeTheCallerHungUpMeanFailed() {
    firstPath(LegState.RELEASED, 30.0, LegState.RELEASED, 30.0);
    leg("sbc-edge", "sbc-carrier", LegState.FAILED, 10.2, 12.0);

    assertEnded(
        decide(MBB, LATER),
        Transfer.State.FAILED,
        "transfer server restarted; no new destination answered, then the caller hung up");
  }

  @Test
  void aBlindCallerRoutedBackToTheFirstDestinationIsRolledBack() {
    firstPath(LegState.ACTIVE, null, LegState.RELEASED, 10.1);
    leg("sbc-edge", "sbc-carrier", LegState.FAILED, 10.2, 11.0);
    leg("sbc-edge", "proxy", LegState.ACTIVE, 11.1, null);

    assertEnded(
        decide(TransferMode.BLIND, LATER),
        Transfer.State.ROLLED_BACK,
        "transfer server restarted; the call's legs show the caller was routed back to the first"
            + " destination");
  }

  @Test
  void aBlindCallerAnsweredByTheTargetIsCompleted() {
    firstPath(LegState.ACTIVE, null, LegState.RELEASED, 10.1);
    leg("sbc-edge", "sbc-carrier", LegState.ACTIVE, 10.2, null);

    assertThat(((Verdict.Ended) decide(TransferMode.BLIND, LATER)).state())
        .isEqualTo(Transfer.State.COMPLETED);
  }

  @Test
  void aParkedBlindCallerWithNothingDialledYetIsNotDecided() {
    firstPath(LegState.ACTIVE, null, LegState.RELEASED, 10.1);
    leg("sbc-edge", "sbc-carrier", LegState.FAILED, 10.2, 11.0);

    assertThat(decide(TransferMode.BLIND, LATER))
        .isEqualTo(new Verdict.Open("the caller is parked", null));
  }

  @Test
  void legsOfAnEarlierTransferAreNeitherOldNorNew() {
    // A first transfer moved the caller to sales at 5 s; this one moves them on to support.
    leg("caller", "sbc-edge", LegState.ACTIVE, 0, null);
    leg("sbc-edge", "proxy", LegState.RELEASED, 0.01, 5.5);
    leg("sbc-edge", "pricey", LegState.FAILED, 5.0, 5.1);
    leg("sbc-edge", "sbc-carrier", LegState.ACTIVE, 5.2, null);

    assertThat(((Verdict.Ended) decide(MBB, LATER)).state())
        .as("the sales leg is the old path, still up, and nothing new was dialled")
        .isEqualTo(Transfer.State.FAILED);

    legs.set(3, legs.get(3).withState(LegState.RELEASED, at(10.5)));
    leg("sbc-edge", "support", LegState.ACTIVE, 10.2, null);
    assertThat(((Verdict.Ended) decide(MBB, LATER)).state()).isEqualTo(Transfer.State.COMPLETED);
  }
}
