package io.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.proxy.InjectedRefer.Answered;
import io.baton.proxy.InjectedRefer.DialogEnded;
import io.baton.proxy.InjectedRefer.Notified;
import io.baton.proxy.InjectedRefer.Notify;
import io.baton.proxy.InjectedRefer.State;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The injected REFER's machine with a context that records what it was told to do. */
class InjectedReferTest {
  private final List<String> effects = new ArrayList<>();
  private final InjectedRefer refer =
      new InjectedRefer(
          7,
          new InjectedRefer.Context() {
            @Override
            public void answer(int status, String reason) {
              effects.add("answer " + status + " " + reason);
            }

            @Override
            public void relay(Notify notify) {
              effects.add("relay " + notify.cseq());
            }

            @Override
            public void ended() {
              effects.add("ended");
            }
          });

  private static Notified notify(long cseq, String subscriptionState) {
    return new Notified(
        new Notify(
            cseq, subscriptionState, "message/sipfrag", "SIP/2.0 100 Trying\r\n", List.of()));
  }

  @Test
  void acceptedThenNotifiedUntilTerminated() {
    assertThat(refer.on(new Answered(202, "Accepted"))).isEqualTo(State.ACCEPTED);
    assertThat(refer.on(notify(2, "active;expires=60"))).isEqualTo(State.ACCEPTED);
    assertThat(refer.on(notify(3, "terminated;reason=noresource"))).isEqualTo(State.TERMINATED);

    assertThat(effects).containsExactly("answer 202 Accepted", "relay 2", "relay 3", "ended");
  }

  @Test
  void notifiesThatOvertakeTheAnswerWaitForIt() {
    refer.on(notify(2, "active;expires=60"));
    refer.on(notify(3, "terminated;reason=noresource"));
    assertThat(effects).isEmpty();

    assertThat(refer.on(new Answered(202, "Accepted"))).isEqualTo(State.TERMINATED);

    assertThat(effects).containsExactly("answer 202 Accepted", "relay 2", "relay 3", "ended");
  }

  @Test
  void aRefusalIsRelayedAndEndsIt() {
    assertThat(refer.on(new Answered(603, "Declined"))).isEqualTo(State.TERMINATED);
    assertThat(effects).containsExactly("answer 603 Declined", "ended");
  }

  @Test
  void theDialogEndingBeforeAnAnswerGives481() {
    assertThat(refer.on(new DialogEnded())).isEqualTo(State.TERMINATED);
    refer.on(new Answered(202, "Accepted"));

    assertThat(effects).containsExactly("answer 481 Call/Transaction Does Not Exist");
  }

  @Test
  void aStragglerAfterTheFinalNotifyIsStillRelayed() {
    refer.on(new Answered(202, "Accepted"));
    refer.on(notify(3, "terminated;reason=noresource"));
    refer.on(notify(2, "active;expires=60"));

    assertThat(effects).containsExactly("answer 202 Accepted", "relay 3", "ended", "relay 2");
  }

  @Test
  void aSecondAnswerIsIllegal() {
    refer.on(new Answered(202, "Accepted"));
    assertThatThrownBy(() -> refer.on(new Answered(200, "OK")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Answered in state ACCEPTED");
  }

  @Test
  void onlyFinalStatusesAnswer() {
    assertThatThrownBy(() -> new Answered(180, "Ringing"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
