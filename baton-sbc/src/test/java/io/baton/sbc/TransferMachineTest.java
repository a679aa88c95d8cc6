package io.baton.sbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.sbc.TransferMachine.State;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransferMachineTest {
  private final List<String> effects = new ArrayList<>();

  private final TransferMachine.Context context =
      new TransferMachine.Context() {
        @Override
        public void accept() {
          effects.add("accept");
        }

        @Override
        public void dial() {
          effects.add("dial");
        }

        @Override
        public void parkCaller() {
          effects.add("park");
        }

        @Override
        public void notifyProgress(int status, String reason) {
          effects.add("notify " + status);
        }

        @Override
        public void notifyFinal(int status, String reason) {
          effects.add("final " + status);
        }

        @Override
        public void moveCaller(OutboundLeg leg) {
          effects.add("move");
        }

        @Override
        public void releaseOldLeg() {
          effects.add("bye old");
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
          effects.add("hang up caller");
        }
      };

  private static final TransferMachine.Answered ANSWERED = new TransferMachine.Answered(null);

  @Test
  void makeBeforeBreakMovesTheCallerThenReleasesLegOne() {
    TransferMachine t = new TransferMachine(false, context);
    assertThat(t.on(new TransferMachine.Start())).isEqualTo(State.DIALING);
    assertThat(t.on(new TransferMachine.Progress())).isEqualTo(State.RINGING);
    assertThat(t.on(new TransferMachine.Progress())).isEqualTo(State.RINGING);
    assertThat(t.on(ANSWERED)).isEqualTo(State.COMPLETED);

    assertThat(effects)
        .containsExactly("accept", "dial", "notify 180", "move", "final 200", "bye old");
    assertThatThrownBy(() -> t.on(new TransferMachine.Failed(408, "Request Timeout")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("COMPLETED");
  }

  @Test
  void aFailedMakeBeforeBreakOnlyReports() {
    TransferMachine t = new TransferMachine(false, context);
    t.on(new TransferMachine.Start());
    assertThat(t.on(new TransferMachine.Failed(486, "Busy Here"))).isEqualTo(State.FAILED);

    assertThat(effects).containsExactly("accept", "dial", "final 486");
    assertThat(t.state().finished()).isTrue();
  }

  @Test
  void blindReleasesLegOneFirstAndRoutesTheCallerBackOnFailure() {
    TransferMachine t = new TransferMachine(true, context);
    assertThat(t.on(new TransferMachine.Start())).isEqualTo(State.PARKED_DIALING);
    assertThat(t.on(new TransferMachine.Failed(486, "Busy Here"))).isEqualTo(State.REROUTING);
    assertThat(t.on(new TransferMachine.Progress())).isEqualTo(State.REROUTING);
    assertThat(t.on(ANSWERED)).isEqualTo(State.REROUTED);

    assertThat(effects)
        .containsExactly("accept", "bye old", "park", "dial", "final 486", "reroute", "move");
  }

  @Test
  void whenTheWayBackFailsTooTheCallerIsHungUp() {
    TransferMachine t = new TransferMachine(true, context);
    t.on(new TransferMachine.Start());
    t.on(new TransferMachine.Failed(503, "Service Unavailable"));
    assertThat(t.on(new TransferMachine.Failed(404, "Not Found"))).isEqualTo(State.DROPPED);

    assertThat(effects).endsWith("reroute", "hang up caller");
  }

  @Test
  void legOneHangingUpParksTheCallerAndAFailureThenReroutes() {
    TransferMachine t = new TransferMachine(false, context);
    t.on(new TransferMachine.Start());
    t.on(new TransferMachine.Progress());
    assertThat(t.on(new TransferMachine.OldLegGone())).isEqualTo(State.PARKED_RINGING);
    assertThat(t.on(new TransferMachine.Failed(408, "Request Timeout"))).isEqualTo(State.REROUTING);

    assertThat(effects).endsWith("notify 180", "final 408", "reroute");
  }

  @Test
  void theCallerHangingUpStopsTheTransfer() {
    TransferMachine t = new TransferMachine(false, context);
    t.on(new TransferMachine.Start());
    assertThat(t.on(new TransferMachine.CallerGone())).isEqualTo(State.DROPPED);

    assertThat(effects).endsWith("stop", "final 487");
    assertThatThrownBy(() -> t.on(ANSWERED)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void nothingButStartIsAcceptedBeforeTheTransferStarts() {
    TransferMachine t = new TransferMachine(false, context);
    assertThatThrownBy(() -> t.on(new TransferMachine.Progress()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ACCEPTED");
    assertThat(effects).isEmpty();
  }
}
