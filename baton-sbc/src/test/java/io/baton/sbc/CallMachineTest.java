package io.baton.sbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.sbc.CallMachine.AckTimeout;
import io.baton.sbc.CallMachine.AnswerUnusable;
import io.baton.sbc.CallMachine.Answered;
import io.baton.sbc.CallMachine.CalleeBye;
import io.baton.sbc.CallMachine.CallerAck;
import io.baton.sbc.CallMachine.CallerBye;
import io.baton.sbc.CallMachine.CallerCancel;
import io.baton.sbc.CallMachine.MaxDuration;
import io.baton.sbc.CallMachine.MediaInactive;
import io.baton.sbc.CallMachine.Progress;
import io.baton.sbc.CallMachine.Refreshed;
import io.baton.sbc.CallMachine.SessionExpired;
import io.baton.sbc.CallMachine.SetupFailed;
import io.baton.sbc.CallMachine.State;
import io.baton.sbc.CallMachine.TransferHangUp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;

/** The call machine's table, row by row, with a context that records what it was told. */
class CallMachineTest {
  private final List<String> effects = new ArrayList<>();
  private final List<State> statesSeenByEffects = new ArrayList<>();
  private CallMachine machine;

  private final CallMachine.Context context =
      new CallMachine.Context() {
        private void did(String what) {
          effects.add(what);
          statesSeenByEffects.add(machine.state());
        }

        @Override
        public void relayProgress(OutboundLeg leg, Response provisional) {
          did("18x to caller");
        }

        @Override
        public void answerCaller(OutboundLeg leg, Response ok, String sdp) {
          did("200 to caller " + sdp);
        }

        @Override
        public void rejectCaller(int status, String reason) {
          did(status + " to caller");
        }

        @Override
        public void refuseAnswer(OutboundLeg leg, Response ok) {
          did("ack+bye leg");
        }

        @Override
        public void stopDialing() {
          did("stop dialling");
        }

        @Override
        public void armLifetime() {
          did("arm timers");
        }

        @Override
        public void disarmAckTimer() {
          did("disarm ack");
        }

        @Override
        public void armSessionTimer(Duration interval) {
          did("session " + interval);
        }

        @Override
        public void callerHungUp() {
          did("caller released");
        }

        @Override
        public void endTransfer() {
          did("transfer: caller gone");
        }

        @Override
        public void byeCaller() {
          did("bye caller");
        }

        @Override
        public void byeLegs() {
          did("bye legs");
        }

        @Override
        public void release(String why) {
          did("release");
        }
      };

  private static final Answered ANSWERED = new Answered(null, null, "sdp");

  private CallMachine routing() {
    machine = new CallMachine(context);
    return machine;
  }

  private CallMachine answered() {
    routing().on(ANSWERED);
    effects.clear();
    statesSeenByEffects.clear();
    return machine;
  }

  private CallMachine confirmed() {
    answered().on(new CallerAck());
    effects.clear();
    statesSeenByEffects.clear();
    return machine;
  }

  @Test
  void setupRingsAnswersAndArmsTheLifetimeTimersAfterTheStateIsRecorded() {
    CallMachine m = routing();
    assertThat(m.on(new Progress(null, null))).isEqualTo(State.RINGING);
    assertThat(m.on(new Progress(null, null))).isEqualTo(State.RINGING);
    assertThat(m.on(ANSWERED)).isEqualTo(State.ANSWERED);
    assertThat(effects)
        .containsExactly("18x to caller", "18x to caller", "arm timers", "200 to caller sdp");
    assertThat(statesSeenByEffects)
        .containsExactly(State.RINGING, State.RINGING, State.ANSWERED, State.ANSWERED);
  }

  @Test
  void theAckConfirmsAndDisarmsTimerH() {
    CallMachine m = answered();
    assertThat(m.on(new CallerAck())).isEqualTo(State.CONFIRMED);
    assertThat(m.on(new CallerAck())).as("a re-INVITE's ACK").isEqualTo(State.CONFIRMED);
    assertThat(effects).containsExactly("disarm ack");
  }

  @Test
  void noAckHangsUpBothWays() {
    CallMachine m = answered();
    assertThat(m.on(new AckTimeout())).isEqualTo(State.ENDED);
    assertThat(effects)
        .containsExactly("transfer: caller gone", "bye caller", "bye legs", "release");
    assertThat(statesSeenByEffects).containsOnly(State.ENDED);
  }

  @Test
  void everyLifetimeTimerOfAConfirmedCallHangsUpBothWays() {
    for (CallMachine.Event expiry :
        List.<CallMachine.Event>of(new SessionExpired(), new MaxDuration(), new MediaInactive())) {
      effects.clear();
      assertThat(confirmed().on(expiry)).as("%s", expiry).isEqualTo(State.ENDED);
      assertThat(effects)
          .as("%s", expiry)
          .containsExactly("transfer: caller gone", "bye caller", "bye legs", "release");
    }
    assertThat(answered().on(new MaxDuration())).isEqualTo(State.ENDED);
  }

  @Test
  void aTimeoutOfTimerHOnceTheAckCameIsABug() {
    CallMachine m = confirmed();
    assertThatThrownBy(() -> m.on(new AckTimeout()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("AckTimeout")
        .hasMessageContaining("CONFIRMED");
  }

  @Test
  void refreshesReArmTheSessionTimer() {
    CallMachine m = confirmed();
    assertThat(m.on(new Refreshed(Duration.ofSeconds(90)))).isEqualTo(State.CONFIRMED);
    assertThat(m.on(new Refreshed(null))).isEqualTo(State.CONFIRMED);
    assertThat(effects).containsExactly("session PT1M30S", "session null");
  }

  @Test
  void byeFromEitherSideEndsTheCall() {
    assertThat(confirmed().on(new CallerBye())).isEqualTo(State.ENDED);
    assertThat(effects)
        .containsExactly("caller released", "transfer: caller gone", "bye legs", "release");
    effects.clear();
    assertThat(confirmed().on(new CalleeBye())).isEqualTo(State.ENDED);
    assertThat(effects).containsExactly("bye caller", "release");
    effects.clear();
    assertThat(answered().on(new CalleeBye())).as("before the caller's ACK").isEqualTo(State.ENDED);
  }

  @Test
  void aTransferThatGivesUpReleasesTheCaller() {
    assertThat(confirmed().on(new TransferHangUp())).isEqualTo(State.ENDED);
    assertThat(effects).containsExactly("bye caller", "bye legs", "release");
  }

  @Test
  void cancelOrEarlyByeEndsTheAttemptWith487() {
    for (CallMachine.Event hangUp :
        List.<CallMachine.Event>of(new CallerCancel(), new CallerBye())) {
      effects.clear();
      CallMachine m = routing();
      m.on(new Progress(null, null));
      assertThat(m.on(hangUp)).isEqualTo(State.ENDED);
      assertThat(effects)
          .containsExactly("18x to caller", "487 to caller", "stop dialling", "release");
    }
  }

  @Test
  void aCancelAfterTheAnswerChangesNothing() {
    CallMachine m = answered();
    assertThat(m.on(new CallerCancel())).isEqualTo(State.ANSWERED);
    assertThat(effects).isEmpty();
  }

  @Test
  void setupFailuresReachTheCaller() {
    assertThat(routing().on(new SetupFailed(486, "Busy Here"))).isEqualTo(State.ENDED);
    assertThat(effects).containsExactly("486 to caller", "release");
    effects.clear();
    assertThat(routing().on(new AnswerUnusable(null, null))).isEqualTo(State.ENDED);
    assertThat(effects).containsExactly("ack+bye leg", "502 to caller", "release");
  }

  @Test
  void anAnswerAfterTheCallEndedIsHungUpAndLateNewsChangesNothing() {
    CallMachine m = routing();
    m.on(new CallerCancel());
    effects.clear();
    assertThat(m.on(ANSWERED)).isEqualTo(State.ENDED);
    assertThat(m.on(new AnswerUnusable(null, null))).isEqualTo(State.ENDED);
    assertThat(effects).containsExactly("ack+bye leg", "ack+bye leg");
    effects.clear();
    for (CallMachine.Event late :
        List.<CallMachine.Event>of(
            new Progress(null, null),
            new SetupFailed(487, "Request Terminated"),
            new CallerCancel(),
            new CallerBye(),
            new CallerAck(),
            new CalleeBye())) {
      assertThat(m.on(late)).as("%s", late).isEqualTo(State.ENDED);
    }
    assertThat(effects).isEmpty();
  }

  @Test
  void aStrayAckBeforeTheAnswerChangesNothing() {
    CallMachine m = routing();
    assertThat(m.on(new CallerAck())).isEqualTo(State.ROUTING);
    assertThat(effects).isEmpty();
  }

  @Test
  void illegalPairsThrowNamingStateAndEvent() {
    assertThatThrownBy(() -> routing().on(new MaxDuration()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MaxDuration")
        .hasMessageContaining("ROUTING");
    assertThatThrownBy(() -> routing().on(new CalleeBye()))
        .hasMessageContaining("CalleeBye")
        .hasMessageContaining("ROUTING");
    assertThatThrownBy(() -> confirmed().on(ANSWERED)).hasMessageContaining("CONFIRMED");
    CallMachine ended = confirmed();
    ended.on(new CallerBye());
    assertThatThrownBy(() -> ended.on(new MediaInactive())).hasMessageContaining("ENDED");
    assertThatThrownBy(() -> ended.on(new TransferHangUp())).hasMessageContaining("ENDED");
  }
}
