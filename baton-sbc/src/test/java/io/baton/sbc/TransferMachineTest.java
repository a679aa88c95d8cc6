package io.baton.sbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.contract.OnFail;
import io.baton.contract.TransferOutcome;
import io.baton.sbc.TransferMachine.Answered;
import io.baton.sbc.TransferMachine.CallerGone;
import io.baton.sbc.TransferMachine.Failed;
import io.baton.sbc.TransferMachine.OldLegGone;
import io.baton.sbc.TransferMachine.OldLegReleased;
import io.baton.sbc.TransferMachine.Progress;
import io.baton.sbc.TransferMachine.Start;
import io.baton.sbc.TransferMachine.State;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transfer machine's table, row by row, with a context that records what it was told. */
class TransferMachineTest {
  private final List<String> effects = new ArrayList<>();

  private final TransferMachine.Context context =
      new TransferMachine.Context() {
        @Override
        public void accept() {
          effects.add("202");
        }

        @Override
        public void dial(int attempt) {
          effects.add("dial " + attempt);
        }

        @Override
        public void parkCaller() {
          effects.add("park");
        }

        @Override
        public void notifyProgress(int attempt, int status, String reason) {
          effects.add(attempt + ": " + status + " active");
        }

        @Override
        public void notifyFinal(int attempt, int status, String reason, TransferOutcome outcome) {
          effects.add(attempt + ": " + status + " terminated " + outcome.wire());
        }

        @Override
        public void moveCaller(OutboundLeg leg) {
          effects.add("move");
        }

        @Override
        public void releaseOldLeg() {
          effects.add("bye leg 1");
        }

        @Override
        public void reroute() {
          effects.add("reroute");
        }

        @Override
        public void stopDialing() {
          effects.add("stop");
        }

        @Override
        public void hangUpCaller() {
          effects.add("release caller");
        }
      };

  private static final Answered ANSWERED = new Answered(null);
  private static final Failed BUSY = new Failed(486, "Busy Here");
  private static final Failed TIMEOUT = new Failed(408, "Request Timeout");

  private TransferMachine machine(boolean blind, int targets, OnFail onFail) {
    return new TransferMachine(blind, targets, onFail, context);
  }

  @Test
  void makeBeforeBreakCompletesOnlyOnceLegOneIsReleased() {
    TransferMachine t = machine(false, 1, OnFail.STAY);
    assertThat(t.on(new Start())).isEqualTo(State.DIALING);
    assertThat(t.on(new Progress())).isEqualTo(State.RINGING);
    assertThat(t.on(new Progress())).isEqualTo(State.RINGING);
    assertThat(t.on(ANSWERED)).isEqualTo(State.ANSWERED);
    assertThat(t.state().finished()).isFalse();
    assertThat(t.on(new OldLegReleased())).isEqualTo(State.COMPLETED);

    assertThat(effects)
        .containsExactly(
            "202",
            "1: 100 active",
            "dial 1",
            "1: 180 active",
            "move",
            "1: 200 active",
            "bye leg 1",
            "1: 200 terminated completed");
    assertThatThrownBy(() -> t.on(TIMEOUT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("COMPLETED");
  }

  @Test
  void eachFailedTargetIsReportedAndTheNextOneDialled() {
    TransferMachine t = machine(false, 3, OnFail.STAY);
    t.on(new Start());
    assertThat(t.on(BUSY)).isEqualTo(State.DIALING);
    t.on(new Progress());
    assertThat(t.on(TIMEOUT)).isEqualTo(State.DIALING);
    assertThat(t.attempt()).isEqualTo(3);
    t.on(new Progress());
    t.on(ANSWERED);
    t.on(new OldLegReleased());

    assertThat(effects)
        .containsExactly(
            "202",
            "1: 100 active",
            "dial 1",
            "1: 486 active",
            "2: 100 active",
            "dial 2",
            "2: 180 active",
            "2: 408 active",
            "3: 100 active",
            "dial 3",
            "3: 180 active",
            "move",
            "3: 200 active",
            "bye leg 1",
            "3: 200 terminated completed");
  }

  @Test
  void whenEveryTargetFailedTheCallerStaysWithLegOne() {
    TransferMachine t = machine(false, 2, OnFail.STAY);
    t.on(new Start());
    t.on(BUSY);
    assertThat(t.on(new Failed(603, "Decline"))).isEqualTo(State.FAILED);

    assertThat(effects).endsWith("2: 100 active", "dial 2", "2: 603 terminated failed");
    assertThat(effects).doesNotContain("release caller", "bye leg 1");
  }

  @Test
  void onFailHangupReleasesTheCallerBeforeTheFinalNotify() {
    TransferMachine t = machine(false, 1, OnFail.HANGUP);
    t.on(new Start());
    assertThat(t.on(BUSY)).isEqualTo(State.FAILED);

    assertThat(effects).endsWith("dial 1", "release caller", "1: 486 terminated failed");
  }

  @Test
  void blindReleasesLegOneFirstCompletesAtOnceAndRollsBackOnFailure() {
    TransferMachine ok = machine(true, 1, OnFail.STAY);
    assertThat(ok.on(new Start())).isEqualTo(State.PARKED_DIALING);
    assertThat(ok.on(new OldLegReleased())).isEqualTo(State.PARKED_DIALING);
    assertThat(ok.on(ANSWERED)).isEqualTo(State.COMPLETED);
    assertThat(effects)
        .containsExactly(
            "202",
            "1: 100 active",
            "bye leg 1",
            "park",
            "dial 1",
            "move",
            "1: 200 active",
            "1: 200 terminated completed");

    effects.clear();
    TransferMachine failing = machine(true, 2, OnFail.STAY);
    failing.on(new Start());
    assertThat(failing.on(BUSY)).isEqualTo(State.PARKED_DIALING);
    assertThat(failing.on(TIMEOUT)).isEqualTo(State.REROUTING);
    assertThat(failing.on(new Progress())).isEqualTo(State.REROUTING);
    assertThat(failing.on(ANSWERED)).isEqualTo(State.ROLLED_BACK);
    assertThat(effects)
        .endsWith(
            "1: 486 active",
            "2: 100 active",
            "dial 2",
            "reroute",
            "move",
            "2: 408 terminated rolled_back");
  }

  @Test
  void whenTheWayBackFailsTooTheCallerIsReleasedAndTheTransferFailed() {
    TransferMachine t = machine(true, 1, OnFail.STAY);
    t.on(new Start());
    t.on(new Failed(503, "Service Unavailable"));
    assertThat(t.on(new Failed(404, "Not Found"))).isEqualTo(State.FAILED);

    assertThat(effects).endsWith("reroute", "release caller", "1: 503 terminated failed");
  }

  @Test
  void aParkedCallerWithOnFailHangupIsReleasedNotRoutedBack() {
    TransferMachine t = machine(true, 1, OnFail.HANGUP);
    t.on(new Start());
    assertThat(t.on(BUSY)).isEqualTo(State.FAILED);

    assertThat(effects).endsWith("release caller", "1: 486 terminated failed");
    assertThat(effects).doesNotContain("reroute");
  }

  @Test
  void legOneHangingUpParksTheCallerAndTheTransferGoesOn() {
    TransferMachine t = machine(false, 2, OnFail.STAY);
    t.on(new Start());
    t.on(new Progress());
    assertThat(t.on(new OldLegGone())).isEqualTo(State.PARKED_RINGING);
    assertThat(t.on(TIMEOUT)).isEqualTo(State.PARKED_DIALING);
    assertThat(t.on(ANSWERED)).isEqualTo(State.COMPLETED);

    assertThat(effects)
        .endsWith(
            "1: 180 active",
            "1: 408 active",
            "2: 100 active",
            "dial 2",
            "move",
            "2: 200 active",
            "2: 200 terminated completed");
    assertThat(effects).doesNotContain("bye leg 1");
  }

  @Test
  void legOneHangingUpThenEveryTargetFailingRoutesTheCallerBack() {
    TransferMachine t = machine(false, 1, OnFail.STAY);
    t.on(new Start());
    t.on(new OldLegGone());
    assertThat(t.on(BUSY)).isEqualTo(State.REROUTING);
    assertThat(t.on(ANSWERED)).isEqualTo(State.ROLLED_BACK);

    assertThat(effects).endsWith("reroute", "move", "1: 486 terminated rolled_back");
  }

  @Test
  void theCallerHangingUpCancelsTheTransferWhereverItIs() {
    for (List<TransferMachine.Event> before :
        List.<List<TransferMachine.Event>>of(
            List.of(),
            List.of(new Progress()),
            List.of(new OldLegGone()),
            List.of(BUSY),
            List.of(new OldLegGone(), BUSY),
            List.of(new OldLegGone(), BUSY, BUSY))) { // the last: routing back
      effects.clear();
      TransferMachine t = machine(false, 2, OnFail.STAY);
      t.on(new Start());
      before.forEach(t::on);

      assertThat(t.on(new CallerGone())).isEqualTo(State.CANCELLED);
      assertThat(effects).endsWith("stop", t.attempt() + ": 487 terminated cancelled");
      assertThatThrownBy(() -> t.on(ANSWERED)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aCallerWhoHangsUpAfterBeingMovedWasTransferred() {
    TransferMachine t = machine(false, 1, OnFail.STAY);
    t.on(new Start());
    t.on(ANSWERED);
    assertThat(t.on(new CallerGone())).isEqualTo(State.COMPLETED);

    assertThat(effects).endsWith("bye leg 1", "1: 200 terminated completed");
  }

  @Test
  void eventsThatCannotHappenInAStateAreRefused() {
    TransferMachine t = machine(false, 1, OnFail.STAY);
    assertThatThrownBy(() -> t.on(new Progress()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ACCEPTED");
    assertThat(effects).isEmpty();
    t.on(new Start());
    assertThatThrownBy(() -> t.on(new OldLegReleased())).hasMessageContaining("DIALING");
    t.on(ANSWERED);
    assertThatThrownBy(() -> t.on(new Progress())).hasMessageContaining("ANSWERED");
    assertThatThrownBy(() -> machine(false, 0, OnFail.STAY))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
