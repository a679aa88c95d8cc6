package io.baton.ua;

import static io.baton.ua.CallMachine.State.ANSWERED;
import static io.baton.ua.CallMachine.State.BYE_AFTER_ACK;
import static io.baton.ua.CallMachine.State.CALLING;
import static io.baton.ua.CallMachine.State.CANCELLING;
import static io.baton.ua.CallMachine.State.CONFIRMED;
import static io.baton.ua.CallMachine.State.ENDED;
import static io.baton.ua.CallMachine.State.FAILED;
import static io.baton.ua.CallMachine.State.INCOMING;
import static io.baton.ua.CallMachine.State.PROCEEDING;
import static io.baton.ua.CallMachine.State.RINGING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.sip.sdp.SessionDescription;
import io.baton.ua.CallMachine.Accept;
import io.baton.ua.CallMachine.Ack;
import io.baton.ua.CallMachine.AckTimeout;
import io.baton.ua.CallMachine.Answered;
import io.baton.ua.CallMachine.Bye;
import io.baton.ua.CallMachine.Cancel;
import io.baton.ua.CallMachine.DialogTerminated;
import io.baton.ua.CallMachine.Expired;
import io.baton.ua.CallMachine.Failed;
import io.baton.ua.CallMachine.HangUp;
import io.baton.ua.CallMachine.Provisional;
import io.baton.ua.CallMachine.Reject;
import io.baton.ua.CallMachine.Reoffer;
import io.baton.ua.CallMachine.Ring;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The call lifecycle on plain data: which effects each transition asks for, and what it refuses.
 */
class CallMachineTest {
  private static final SessionDescription OFFER = AudioSdp.offer("peer", "127.0.0.1", 40000);
  private static final SessionDescription MOVED = AudioSdp.offer("peer", "127.0.0.2", 40002);

  /** Records every effect as a short string. */
  private static final class Recorder implements CallMachine.Context {
    final List<String> effects = new ArrayList<>();

    @Override
    public void sendProvisional(int status) {
      effects.add("send " + status);
    }

    @Override
    public void sendAnswer() {
      effects.add("send 200");
    }

    @Override
    public void sendFinal(int status) {
      effects.add("send " + status);
    }

    @Override
    public void sendAck() {
      effects.add("ACK");
    }

    @Override
    public void sendCancel() {
      effects.add("CANCEL");
    }

    @Override
    public void sendBye() {
      effects.add("BYE");
    }

    @Override
    public void mediaTo(SessionDescription remote) {
      effects.add("media to " + remote.audioAddress().orElseThrow() + ":" + remote.audioPort());
    }

    @Override
    public void releaseMedia() {
      effects.add("release media");
    }
  }

  private final Recorder context = new Recorder();

  @Test
  void calleeRingsAnswersAndIsHungUpOn() {
    CallMachine call = CallMachine.uas(OFFER, context);
    assertThat(call.on(new Ring())).isEqualTo(RINGING);
    assertThat(call.on(new Accept())).isEqualTo(ANSWERED);
    assertThat(call.on(new Ack())).isEqualTo(CONFIRMED);
    assertThat(call.on(new Bye())).isEqualTo(ENDED);
    assertThat(context.effects)
        .containsExactly("send 180", "send 200", "media to 127.0.0.1:40000", "release media");
    assertThat(call.history()).containsExactly(INCOMING, RINGING, ANSWERED, CONFIRMED, ENDED);
    assertThat(call.finalStatus()).isEqualTo(200);
    assertThat(call.endedByRemote()).isTrue();
  }

  @Test
  void cancelledCalleeAnswers487AndALateAnswerTimerChangesNothing() {
    CallMachine call = CallMachine.uas(OFFER, context);
    call.on(new Ring());
    assertThat(call.on(new Cancel())).isEqualTo(FAILED);
    assertThat(call.on(new Accept())).isEqualTo(FAILED);
    assertThat(context.effects).containsExactly("send 180", "send 487", "release media");
    assertThat(call.finalStatus()).isEqualTo(487);
    assertThat(call.endedByRemote()).isTrue();
  }

  @Test
  void busyCalleeRejectsAndFreesItsPort() {
    CallMachine call = CallMachine.uas(OFFER, context);
    assertThat(call.on(new Reject(486))).isEqualTo(FAILED);
    assertThat(context.effects).containsExactly("send 486", "release media");
    assertThat(call.endedByRemote()).isFalse();
  }

  @Test
  void calleeHangingUpWhileRingingDeclines() {
    CallMachine call = CallMachine.uas(OFFER, context);
    call.on(new Ring());
    assertThat(call.on(new HangUp())).isEqualTo(FAILED);
    assertThat(context.effects).containsExactly("send 180", "send 603", "release media");
  }

  @Test
  void anAckOvertakenByTheByeIsAbsorbed() {
    CallMachine call = CallMachine.uas(OFFER, context);
    call.on(new Accept());
    call.on(new Bye());
    assertThat(call.on(new Ack())).isEqualTo(ENDED);
    assertThat(call.on(new DialogTerminated())).isEqualTo(ENDED);
    assertThat(context.effects).containsOnlyOnce("release media");
  }

  @Test
  void aByeThatOvertookTheAnswerEndsTheCallAndTheAnswerIsStillAcked() {
    CallMachine call = CallMachine.uac(context);
    call.on(new Provisional(180));
    assertThat(call.on(new Bye())).isEqualTo(ENDED);
    assertThat(call.endedByRemote()).isTrue();
    assertThat(call.on(new Answered(OFFER))).isEqualTo(ENDED);
    assertThat(context.effects).containsExactly("release media", "ACK");
    assertThat(call.finalStatus()).isEqualTo(200);
  }

  @Test
  void anAnswerNeverAckedIsHungUpWithByeAfterTimerH() {
    CallMachine call = CallMachine.uas(OFFER, context);
    call.on(new Accept());
    assertThat(call.on(new AckTimeout())).isEqualTo(ENDED);
    assertThat(context.effects).endsWith("BYE", "release media");
    assertThat(call.endedByRemote()).isFalse();

    CallMachine acked = CallMachine.uas(OFFER, new Recorder());
    acked.on(new Accept());
    acked.on(new Ack());
    assertThat(acked.on(new AckTimeout())).as("the ACK came first").isEqualTo(CONFIRMED);
  }

  @Test
  void anAnsweredCallThatOutlivesItsLifetimeIsHungUpEitherRole() {
    CallMachine callee = CallMachine.uas(OFFER, context);
    callee.on(new Accept());
    callee.on(new Ack());
    assertThat(callee.on(new Expired("no RTP from the peer"))).isEqualTo(ENDED);
    assertThat(context.effects).endsWith("BYE", "release media");
    assertThat(callee.on(new Expired("maximum duration"))).as("ended already").isEqualTo(ENDED);

    Recorder callerEffects = new Recorder();
    CallMachine caller = CallMachine.uac(callerEffects);
    caller.on(new Answered(OFFER));
    assertThat(caller.on(new Expired("maximum duration"))).isEqualTo(ENDED);
    assertThat(callerEffects.effects).endsWith("BYE", "release media");

    assertThatThrownBy(() -> CallMachine.uas(OFFER, new Recorder()).on(new Expired("x")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("INCOMING");
  }

  @Test
  void reofferRepointsMediaAndKeepsTheCallUp() {
    CallMachine call = CallMachine.uas(OFFER, context);
    call.on(new Accept());
    call.on(new Ack());
    assertThat(call.on(new Reoffer(MOVED))).isEqualTo(CONFIRMED);
    assertThat(call.on(new Ack())).isEqualTo(CONFIRMED);
    assertThat(call.remote()).isEqualTo(MOVED);
    assertThat(context.effects).endsWith("media to 127.0.0.2:40002");
  }

  @Test
  void callerIsAnsweredAcksStartsMediaAndHangsUp() {
    CallMachine call = CallMachine.uac(context);
    assertThat(call.on(new Provisional(180))).isEqualTo(PROCEEDING);
    assertThat(call.on(new Answered(OFFER))).isEqualTo(CONFIRMED);
    assertThat(call.on(new Provisional(183))).isEqualTo(CONFIRMED);
    assertThat(call.on(new HangUp())).isEqualTo(ENDED);
    assertThat(call.on(new HangUp())).isEqualTo(ENDED);
    assertThat(context.effects)
        .containsExactly("ACK", "media to 127.0.0.1:40000", "BYE", "release media");
    assertThat(call.endedByRemote()).isFalse();
  }

  @Test
  void callerGivingUpCancelsAndFailsOnThe487() {
    CallMachine call = CallMachine.uac(context);
    call.on(new Provisional(180));
    assertThat(call.on(new HangUp())).isEqualTo(CANCELLING);
    assertThat(call.on(new Failed(487))).isEqualTo(FAILED);
    assertThat(context.effects).containsExactly("CANCEL", "release media");
    assertThat(call.finalStatus()).isEqualTo(487);
  }

  @Test
  void anAnswerAfterTheCallerGaveUpIsAcknowledgedAndHungUp() {
    CallMachine call = CallMachine.uac(context);
    call.on(new HangUp());
    assertThat(call.on(new Answered(OFFER))).isEqualTo(ENDED);
    assertThat(context.effects).containsExactly("CANCEL", "ACK", "BYE", "release media");
  }

  @Test
  void anAnswerWithoutUsableSdpIsAcknowledgedAndHungUp() {
    CallMachine call = CallMachine.uac(context);
    assertThat(call.on(new Answered(null))).isEqualTo(ENDED);
    assertThat(context.effects).containsExactly("ACK", "BYE", "release media");
    assertThat(call.history()).containsExactly(CALLING, ENDED);
  }

  @Test
  void illegalTransitionsThrowNamingStateAndEvent() {
    CallMachine caller = CallMachine.uac(context);
    assertThatThrownBy(() -> caller.on(new Accept()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CALLING")
        .hasMessageContaining("Accept");
    assertThatThrownBy(() -> caller.on(new Ack())).isInstanceOf(IllegalStateException.class);
    CallMachine callee = CallMachine.uas(OFFER, context);
    assertThatThrownBy(() -> callee.on(new Answered(OFFER)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> callee.on(new Reoffer(MOVED)))
        .isInstanceOf(IllegalStateException.class);
    callee.on(new Accept());
    assertThatThrownBy(() -> callee.on(new Ring())).isInstanceOf(IllegalStateException.class);
    assertThat(context.effects).containsExactly("send 200", "media to 127.0.0.1:40000");
  }

  @Test
  void rejectNeedsAFailureStatus() {
    assertThatThrownBy(() -> new Reject(200)).hasMessageContaining("300-699");
  }

  @Test
  void aCalleeHangingUpBeforeTheAckSendsItsByeWhenTheAckComes() {
    CallMachine call = CallMachine.uas(OFFER, context);
    call.on(new Accept());
    assertThat(call.on(new HangUp())).isEqualTo(BYE_AFTER_ACK);
    assertThat(context.effects).doesNotContain("BYE");
    assertThat(call.on(new Ack())).isEqualTo(ENDED);
    assertThat(context.effects).endsWith("BYE", "release media");
    assertThat(call.endedByRemote()).isFalse();
  }
}
