package io.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.proxy.TrackedDialog.Answered;
import io.baton.proxy.TrackedDialog.ByeCompleted;
import io.baton.proxy.TrackedDialog.CancelRequested;
import io.baton.proxy.TrackedDialog.Expired;
import io.baton.proxy.TrackedDialog.Provisional;
import io.baton.proxy.TrackedDialog.Rejected;
import io.baton.proxy.TrackedDialog.State;
import io.baton.proxy.TrackedDialog.SubscriptionEnded;
import io.baton.registry.LegState;
import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sip.address.Address;
import org.junit.jupiter.api.Test;

/** The dialog machine with a context that only records what it was told to do. */
class TrackedDialogTest {
  private static final Messages M = Messages.get();

  private final List<String> effects = new ArrayList<>();
  private final TrackedDialog.Context context =
      new TrackedDialog.Context() {
        @Override
        public void publish(LegState state, String uasTag, Integer sipStatus) {
          effects.add(
              "publish "
                  + state
                  + (uasTag == null ? "" : " " + uasTag)
                  + (sipStatus == null ? "" : " " + sipStatus));
        }

        @Override
        public void sendCancel() {
          effects.add("cancel");
        }

        @Override
        public void track(TrackedDialog dialog) {
          effects.add("track");
        }

        @Override
        public void forget(TrackedDialog dialog) {
          effects.add("forget");
        }
      };

  private final TrackedDialog dialog =
      new TrackedDialog(
          context,
          "call-1",
          new TrackedDialog.Party(address("caller", 15201), "uac", address(null, 15201)),
          List.of(),
          address("+13125550100", 15200));

  private static Address address(String user, int port) {
    return M.address(M.uri(user, new HostPort("127.0.0.1", port)));
  }

  private static Answered answered() {
    return new Answered("uas", address(null, 15202), Instant.EPOCH, null);
  }

  private final InjectedRefer.Context referContext =
      new InjectedRefer.Context() {
        @Override
        public void answer(int status, String reason) {
          effects.add("answer " + status);
        }

        @Override
        public void relay(InjectedRefer.Notify notify) {
          effects.add("relay " + notify.cseq());
        }

        @Override
        public void ended() {
          dialog.on(new SubscriptionEnded());
        }
      };

  @Test
  void ringingThenAnsweredConfirmsAndTracksTheDialog() {
    dialog.on(new Provisional(100));
    dialog.on(new Provisional(180));
    assertThat(dialog.on(answered())).isEqualTo(State.CONFIRMED);

    assertThat(effects).containsExactly("publish RINGING", "track", "publish ACTIVE uas");
    assertThat(dialog.id()).isEqualTo(new DialogId("call-1", "uac", "uas"));
  }

  @Test
  void rejectionFailsTheLegWithItsStatus() {
    assertThat(dialog.on(new Rejected(486))).isEqualTo(State.FAILED);
    assertThat(effects).containsExactly("publish FAILED 486");
  }

  @Test
  void cancelBeforeAnyProvisionalWaitsForOne() {
    assertThat(dialog.on(new CancelRequested())).isEqualTo(State.CANCEL_PENDING);
    assertThat(effects).isEmpty();

    assertThat(dialog.on(new Provisional(100))).isEqualTo(State.CANCELLING);
    assertThat(effects).containsExactly("cancel");

    dialog.on(new Provisional(180));
    dialog.on(new Rejected(487));
    assertThat(effects).containsExactly("cancel", "publish FAILED 487");
  }

  @Test
  void cancelAfterAProvisionalIsSentAtOnce() {
    dialog.on(new Provisional(180));
    assertThat(dialog.on(new CancelRequested())).isEqualTo(State.CANCELLING);
    assertThat(effects).containsExactly("publish RINGING", "cancel");
  }

  @Test
  void cancelAfterTheAnswerChangesNothing() {
    dialog.on(answered());
    effects.clear();
    assertThat(dialog.on(new CancelRequested())).isEqualTo(State.CONFIRMED);
    assertThat(effects).isEmpty();
  }

  @Test
  void byeReleasesAndForgets() {
    dialog.on(answered());
    effects.clear();
    assertThat(dialog.on(new ByeCompleted())).isEqualTo(State.TERMINATED);
    assertThat(effects).containsExactly("publish RELEASED", "forget");
    // A crossed BYE completing afterwards is a straggler, not an error.
    assertThat(dialog.on(new ByeCompleted())).isEqualTo(State.TERMINATED);
  }

  @Test
  void aPendingReferSubscriptionOutlivesTheByeUntilItsFinalNotify() {
    dialog.on(answered());
    InjectedRefer refer = dialog.injectRefer(referContext);
    dialog.answerRefer(refer.cseq(), 202, "Accepted");
    effects.clear();

    assertThat(dialog.on(new ByeCompleted())).isEqualTo(State.SUBSCRIPTION_ONLY);
    assertThat(effects).containsExactly("publish RELEASED");

    dialog.notifyRefer(refer.cseq(), notify(3, "terminated;reason=noresource"));
    assertThat(dialog.state()).isEqualTo(State.TERMINATED);
    assertThat(effects).containsExactly("publish RELEASED", "relay 3", "forget");
  }

  @Test
  void injectedRefersTakeTheNextCalleeCseqAndShiftLaterCalleeRequests() {
    dialog.on(answered());
    assertThat(dialog.shiftTowardsCaller(4)).isEqualTo(4);

    InjectedRefer refer = dialog.injectRefer(referContext);

    assertThat(refer.cseq()).isEqualTo(5);
    assertThat(dialog.shiftTowardsCaller(5)).isEqualTo(6);
    assertThat(dialog.unshift(6)).isEqualTo(5);
    assertThat(dialog.injectRefer(referContext).cseq()).isEqualTo(7);
    assertThat(dialog.shiftTowardsCaller(6)).isEqualTo(8);
  }

  @Test
  void notifyForAnotherReferIsNotTheProxys() {
    dialog.on(answered());
    InjectedRefer refer = dialog.injectRefer(referContext);
    assertThat(dialog.notifyRefer(refer.cseq() + 1, notify(2, "active"))).isFalse();
  }

  @Test
  void noReferIsInjectedOnceTheInviteUsageEnded() {
    dialog.on(answered());
    dialog.on(new ByeCompleted());
    assertThat(dialog.injectRefer(referContext)).isNull();
  }

  @Test
  void expiryReleasesAndEndsAnUnansweredRefer() {
    dialog.on(answered());
    InjectedRefer refer = dialog.injectRefer(referContext);
    effects.clear();

    assertThat(dialog.on(new Expired())).isEqualTo(State.TERMINATED);

    assertThat(effects).containsExactly("publish RELEASED", "answer 481", "forget");
    assertThat(refer.state()).isEqualTo(InjectedRefer.State.TERMINATED);
  }

  @Test
  void aTargetRefreshReplacesBothRemoteTargets() {
    dialog.on(answered());
    Address calleeMoved = address(null, 15232);
    Address callerMoved = address(null, 15231);

    dialog.refreshTargets(true, calleeMoved, callerMoved);

    assertThat(dialog.callee().contact()).isEqualTo(calleeMoved);
    assertThat(dialog.caller().contact()).isEqualTo(callerMoved);
  }

  @Test
  void illegalTransitionsThrow() {
    assertThatThrownBy(() -> dialog.on(new ByeCompleted()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ByeCompleted in state CALLING");
    dialog.on(answered());
    assertThatThrownBy(() -> dialog.on(new Rejected(500)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CONFIRMED");
  }

  private static InjectedRefer.Notify notify(long cseq, String state) {
    return new InjectedRefer.Notify(
        cseq, state, "message/sipfrag", "SIP/2.0 200 OK\r\n", List.of());
  }
}
