package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.transfer.Transfer.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transfer state machine alone, with a context that records what it was told. */
class TransferTest {
  private final List<String> entered = new ArrayList<>();
  private final Transfer transfer =
      new Transfer(
          "t-1",
          "c-1",
          "acme",
          "+16465550111",
          new Destination.Number("+16465550111"),
          TransferMode.MAKE_BEFORE_BREAK,
          30,
          Instant.parse("2026-01-01T00:00:00Z"),
          (t, from, cause) -> entered.add(from.wire() + ">" + t.state().wire() + ": " + cause));

  @Test
  void referAcceptedThenProgressNotifiesCompleteTheTransfer() {
    transfer.on(new Transfer.ReferAccepted(202, "Accepted"));
    transfer.on(new Transfer.Notified(1, 100, "Trying"));
    transfer.on(new Transfer.Notified(2, 180, "Ringing"));
    assertThat(transfer.on(new Transfer.Notified(3, 200, "OK"))).isEqualTo(State.COMPLETED);

    assertThat(entered)
        .containsExactly(
            "requested>routing: REFER answered 202 Accepted",
            "routing>dialing: NOTIFY SIP/2.0 100 Trying",
            "dialing>ringing: NOTIFY SIP/2.0 180 Ringing",
            "ringing>completed: NOTIFY SIP/2.0 200 OK");
    assertThat(transfer.sipStatus()).isEqualTo(200);
    assertThat(transfer.reason()).isEqualTo("OK");
  }

  @Test
  void finalErrorInNotifyFailsWithItsStatus() {
    transfer.on(new Transfer.ReferAccepted(202, "Accepted"));
    transfer.on(new Transfer.Notified(1, 486, "Busy Here"));

    assertThat(transfer.state()).isEqualTo(State.FAILED);
    assertThat(transfer.sipStatus()).isEqualTo(486);
    assertThat(transfer.reason()).isEqualTo("Busy Here");
  }

  @Test
  void rejectedReferFailsWithTheRefersStatus() {
    transfer.on(new Transfer.ReferRejected(481, "Call/Transaction Does Not Exist"));

    assertThat(transfer.state()).isEqualTo(State.FAILED);
    assertThat(transfer.sipStatus()).isEqualTo(481);
    assertThat(entered)
        .containsExactly("requested>failed: REFER answered 481 Call/Transaction Does Not Exist");
  }

  @Test
  void notifyOvertakingThe202MovesOnAndTheLate202ChangesNothing() {
    transfer.on(new Transfer.Notified(1, 100, "Trying"));
    transfer.on(new Transfer.ReferAccepted(202, "Accepted"));

    assertThat(transfer.state()).isEqualTo(State.DIALING);
    assertThat(entered).containsExactly("requested>dialing: NOTIFY SIP/2.0 100 Trying");
  }

  @Test
  void staleNotifiesAreIgnored() {
    transfer.on(new Transfer.Notified(5, 180, "Ringing"));
    transfer.on(new Transfer.Notified(4, 100, "Trying"));
    transfer.on(new Transfer.Notified(5, 200, "OK"));

    assertThat(transfer.state()).isEqualTo(State.RINGING);
    assertThat(entered).hasSize(1);
  }

  @Test
  void progressNeverGoesBack() {
    transfer.on(new Transfer.Notified(1, 180, "Ringing"));
    transfer.on(new Transfer.Notified(2, 100, "Trying"));
    transfer.on(new Transfer.Notified(3, 183, "Session Progress"));

    assertThat(transfer.state()).isEqualTo(State.RINGING);
    assertThat(entered).hasSize(1);
  }

  @Test
  void subscriptionEndedWithoutFinalStatusFails() {
    transfer.on(new Transfer.Notified(1, 180, "Ringing"));
    transfer.on(new Transfer.SubscriptionTerminated(2, "timeout"));

    assertThat(transfer.state()).isEqualTo(State.FAILED);
    assertThat(transfer.sipStatus()).isNull();
    assertThat(transfer.reason()).contains("subscription terminated (timeout)");
  }

  @Test
  void timeoutFailsARunningTransfer() {
    transfer.on(new Transfer.ReferAccepted(202, "Accepted"));
    transfer.on(new Transfer.TimedOut(Duration.ofMillis(31_500)));

    assertThat(transfer.state()).isEqualTo(State.FAILED);
    assertThat(transfer.reason()).isEqualTo("no final NOTIFY within 31.5 s");
  }

  @Test
  void endedTransferIgnoresLateAnswersNotifiesAndTimers() {
    transfer.on(new Transfer.Notified(1, 200, "OK"));
    transfer.on(new Transfer.Notified(2, 486, "Busy Here"));
    transfer.on(new Transfer.ReferRejected(408, "Request Timeout"));
    transfer.on(new Transfer.TimedOut(Duration.ofSeconds(40)));

    assertThat(transfer.state()).isEqualTo(State.COMPLETED);
    assertThat(transfer.sipStatus()).isEqualTo(200);
    assertThat(entered).hasSize(1);
  }

  @Test
  void noProxyFailsOnlyARequestedTransfer() {
    transfer.on(new Transfer.ReferAccepted(202, "Accepted"));

    assertThatThrownBy(() -> transfer.on(new Transfer.NoProxy()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ROUTING");
  }

  @Test
  void noProxyFailsAtOnce() {
    transfer.on(new Transfer.NoProxy());

    assertThat(transfer.state()).isEqualTo(State.FAILED);
    assertThat(transfer.reason()).isEqualTo("no proxy holds the call");
  }
}
