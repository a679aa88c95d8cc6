package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.contract.OnFail;
import io.baton.contract.TransferMode;
import io.baton.contract.TransferOutcome;
import io.baton.transfer.Transfer.Ended;
import io.baton.transfer.Transfer.Progress;
import io.baton.transfer.Transfer.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transfer state machine alone, with a context that records what it was told. */
class TransferTest {
  private final List<String> entered = new ArrayList<>();
  private final Transfer transfer =
      new Transfer(
          "t-1",
          "c-1",
          "acme",
          List.of(
              new Transfer.Target("+16465550111", new ReferTarget.Number("+16465550111"), 30),
              new Transfer.Target(
                  "sip:b@127.0.0.1:5131", new ReferTarget.Sip("sip:b@127.0.0.1:5131"), 20)),
          TransferMode.MAKE_BEFORE_BREAK,
          OnFail.STAY,
          Map.of(),
          Instant.parse("2026-01-01T00:00:00Z"),
          (t, from, cause) -> entered.add(from.wire() + ">" + t.state().wire() + ": " + cause));

  private static Progress progress(long cseq, Integer attempt, int status, String reason) {
    return new Progress(cseq, attempt, status, reason);
  }

  private static Ended ended(
      long cseq, Integer attempt, int status, String reason, TransferOutcome o) {
    return new Ended(cseq, attempt, status, reason, o, "noresource");
  }

  // ---- every path to every terminal state

  @Test
  void answeredThenOldPathReleasedCompletes() {
    transfer.on(new Transfer.ReferAccepted(202, "Accepted"));
    transfer.on(progress(1, 1, 100, "Trying"));
    transfer.on(progress(2, 1, 180, "Ringing"));
    assertThat(transfer.on(progress(3, 1, 200, "OK"))).isEqualTo(State.ANSWERED);
    assertThat(transfer.on(ended(4, 1, 200, "OK", TransferOutcome.COMPLETED)))
        .isEqualTo(State.COMPLETED);

    assertThat(entered)
        .containsExactly(
            "requested>routing: REFER answered 202 Accepted",
            "routing>dialing: NOTIFY SIP/2.0 100 Trying, attempt 1",
            "dialing>ringing: NOTIFY SIP/2.0 180 Ringing, attempt 1",
            "ringing>answered: NOTIFY SIP/2.0 200 OK, attempt 1",
            "answered>completed: NOTIFY SIP/2.0 200 OK, outcome completed");
    assertThat(transfer.sipStatus()).isEqualTo(200);
    assertThat(transfer.reason()).isEqualTo("OK");
  }

  @Test
  void aFailedAttemptIsRecordedAndTheNextOneDialsAgain() {
    transfer.on(new Transfer.ReferAccepted(202, "Accepted"));
    transfer.on(progress(1, 1, 100, "Trying"));
    transfer.on(progress(2, 1, 180, "Ringing"));
    assertThat(transfer.on(progress(3, 1, 486, "Busy Here"))).isEqualTo(State.RINGING);
    assertThat(transfer.sipStatus()).as("still running").isNull();
    assertThat(transfer.on(progress(4, 2, 100, "Trying"))).isEqualTo(State.DIALING);
    assertThat(transfer.attempt()).isEqualTo(2);
    transfer.on(progress(5, 2, 200, "OK"));
    transfer.on(ended(6, 2, 200, "OK", TransferOutcome.COMPLETED));

    assertThat(entered)
        .containsExactly(
            "requested>routing: REFER answered 202 Accepted",
            "routing>dialing: NOTIFY SIP/2.0 100 Trying, attempt 1",
            "dialing>ringing: NOTIFY SIP/2.0 180 Ringing, attempt 1",
            "ringing>ringing: NOTIFY SIP/2.0 486 Busy Here, attempt 1 failed",
            "ringing>dialing: NOTIFY SIP/2.0 100 Trying, attempt 2",
            "dialing>answered: NOTIFY SIP/2.0 200 OK, attempt 2",
            "answered>completed: NOTIFY SIP/2.0 200 OK, outcome completed");
  }

  @Test
  void dialingGoesToDialingWhenTheNextAttemptStarts() {
    transfer.on(progress(1, 1, 100, "Trying"));
    transfer.on(progress(2, 1, 503, "Service Unavailable"));
    assertThat(transfer.on(progress(3, 2, 100, "Trying"))).isEqualTo(State.DIALING);

    assertThat(entered)
        .containsExactly(
            "requested>dialing: NOTIFY SIP/2.0 100 Trying, attempt 1",
            "dialing>dialing: NOTIFY SIP/2.0 503 Service Unavailable, attempt 1 failed",
            "dialing>dialing: NOTIFY SIP/2.0 100 Trying, attempt 2");
  }

  @Test
  void everyTargetFailedEndsFailedWithTheLastStatus() {
    transfer.on(progress(1, 1, 100, "Trying"));
    transfer.on(progress(2, 1, 486, "Busy Here"));
    transfer.on(progress(3, 2, 100, "Trying"));
    assertThat(transfer.on(ended(4, 2, 603, "Decline", TransferOutcome.FAILED)))
        .isEqualTo(State.FAILED);

    assertThat(transfer.sipStatus()).isEqualTo(603);
    assertThat(transfer.reason()).isEqualTo("Decline");
    assertThat(entered.getLast())
        .isEqualTo("dialing>failed: NOTIFY SIP/2.0 603 Decline, outcome failed");
  }

  @Test
  void aBlindTransferRoutedBackEndsRolledBack() {
    transfer.on(progress(1, 1, 100, "Trying"));
    assertThat(transfer.on(ended(2, 1, 408, "Request Timeout", TransferOutcome.ROLLED_BACK)))
        .isEqualTo(State.ROLLED_BACK);
    assertThat(transfer.sipStatus()).isEqualTo(408);
    assertThat(entered.getLast())
        .isEqualTo("dialing>rolled_back: NOTIFY SIP/2.0 408 Request Timeout, outcome rolled_back");
  }

  @Test
  void theCallerHangingUpEndsCancelled() {
    transfer.on(progress(1, 1, 180, "Ringing"));
    assertThat(transfer.on(ended(2, 1, 487, "Request Terminated", TransferOutcome.CANCELLED)))
        .isEqualTo(State.CANCELLED);
    assertThat(transfer.sipStatus()).isEqualTo(487);
  }

  @Test
  void aTerminatedFailureWithoutOutcomeFails() {
    transfer.on(progress(1, 1, 100, "Trying"));
    assertThat(transfer.on(ended(2, 1, 486, "Busy Here", null))).isEqualTo(State.FAILED);
    assertThat(entered.getLast()).isEqualTo("dialing>failed: NOTIFY SIP/2.0 486 Busy Here");
  }

  @Test
  void aTerminated200WithoutOutcomeCompletesAsBeforeIssue3() {
    transfer.on(new Transfer.ReferAccepted(202, "Accepted"));
    transfer.on(progress(1, null, 100, "Trying"));
    transfer.on(progress(2, null, 180, "Ringing"));
    assertThat(transfer.on(ended(3, null, 200, "OK", null))).isEqualTo(State.COMPLETED);

    assertThat(entered)
        .containsExactly(
            "requested>routing: REFER answered 202 Accepted",
            "routing>dialing: NOTIFY SIP/2.0 100 Trying",
            "dialing>ringing: NOTIFY SIP/2.0 180 Ringing",
            "ringing>completed: NOTIFY SIP/2.0 200 OK");
  }

  @Test
  void subscriptionEndedWithoutFinalStatusOrOutcomeFails() {
    transfer.on(progress(1, 1, 180, "Ringing"));
    transfer.on(new Ended(2, 1, null, null, null, "timeout"));

    assertThat(transfer.state()).isEqualTo(State.FAILED);
    assertThat(transfer.sipStatus()).isNull();
    assertThat(transfer.reason())
        .isEqualTo("subscription terminated (timeout) without a final status");
    assertThat(entered.getLast())
        .isEqualTo("ringing>failed: NOTIFY terminated the subscription (timeout)");
  }

  @Test
  void anOutcomeWithoutAFinalStatusStillDecides() {
    transfer.on(new Ended(1, 1, 180, "Ringing", TransferOutcome.CANCELLED, "noresource"));

    assertThat(transfer.state()).isEqualTo(State.CANCELLED);
    assertThat(transfer.sipStatus()).isNull();
    assertThat(transfer.reason())
        .isEqualTo("subscription terminated (noresource), outcome cancelled");
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
  void theStacks408ForALost202ChangesNothingOnceNotifiesCame() {
    transfer.on(progress(1, 1, 180, "Ringing"));

    assertThat(transfer.on(new Transfer.ReferRejected(408, "Request Timeout")))
        .isEqualTo(State.RINGING);
    assertThat(entered).hasSize(1);
  }

  @Test
  void referUnansweredFails408() {
    transfer.on(new Transfer.ReferUnanswered(Duration.ofSeconds(32)));

    assertThat(transfer.state()).isEqualTo(State.FAILED);
    assertThat(transfer.sipStatus()).isEqualTo(408);
    assertThat(transfer.reason()).isEqualTo("REFER unanswered within 32 s");
  }

  @Test
  void referTimerIsMootOnceANotifyArrived() {
    transfer.on(progress(1, 1, 100, "Trying"));

    assertThat(transfer.on(new Transfer.ReferUnanswered(Duration.ofSeconds(32))))
        .isEqualTo(State.DIALING);
    assertThat(entered).hasSize(1);
  }

  @Test
  void silenceAfterAnsweredFailsOnTheTimer() {
    transfer.on(new Transfer.ReferAccepted(202, "Accepted"));
    transfer.on(progress(1, 1, 200, "OK"));
    transfer.on(new Transfer.TimedOut(Duration.ofMillis(60_300)));

    assertThat(transfer.state()).isEqualTo(State.FAILED);
    assertThat(transfer.reason()).isEqualTo("no final NOTIFY within 60.3 s");
    assertThat(entered.getLast()).isEqualTo("answered>failed: no final NOTIFY within 60.3 s");
  }

  @Test
  void noProxyFailsAtOnceAndOnlyARequestedTransfer() {
    Transfer accepted =
        new Transfer(
            "t-2",
            "c-2",
            "acme",
            transfer.targets(),
            TransferMode.BLIND,
            OnFail.HANGUP,
            Map.of(),
            Instant.EPOCH,
            (t, from, cause) -> {});
    accepted.on(new Transfer.ReferAccepted(202, "Accepted"));
    assertThatThrownBy(() -> accepted.on(new Transfer.NoProxy()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ROUTING");

    transfer.on(new Transfer.NoProxy());
    assertThat(transfer.state()).isEqualTo(State.FAILED);
    assertThat(transfer.reason()).isEqualTo("no proxy holds the call");
  }

  // ---- what is ignored, what is illegal

  @Test
  void notifyOvertakingThe202MovesOnAndTheLate202ChangesNothing() {
    transfer.on(progress(1, 1, 100, "Trying"));
    transfer.on(new Transfer.ReferAccepted(202, "Accepted"));

    assertThat(transfer.state()).isEqualTo(State.DIALING);
    assertThat(entered).containsExactly("requested>dialing: NOTIFY SIP/2.0 100 Trying, attempt 1");
  }

  @Test
  void staleNotifiesAreIgnored() {
    transfer.on(progress(5, 1, 180, "Ringing"));
    transfer.on(progress(4, 1, 100, "Trying"));
    transfer.on(ended(5, 1, 200, "OK", TransferOutcome.COMPLETED));

    assertThat(transfer.state()).isEqualTo(State.RINGING);
    assertThat(entered).hasSize(1);
  }

  @Test
  void progressNeverGoesBackWithinAnAttempt() {
    transfer.on(progress(1, 1, 180, "Ringing"));
    transfer.on(progress(2, 1, 100, "Trying"));
    transfer.on(progress(3, 1, 183, "Session Progress"));

    assertThat(transfer.state()).isEqualTo(State.RINGING);
    assertThat(entered).hasSize(1);
  }

  @Test
  void newsOfAnAttemptAlreadyGivenUpIsIgnored() {
    transfer.on(progress(1, 2, 100, "Trying"));
    transfer.on(progress(2, 1, 180, "Ringing"));

    assertThat(transfer.state()).isEqualTo(State.DIALING);
    assertThat(transfer.attempt()).isEqualTo(2);
    assertThat(entered).hasSize(1);
  }

  @Test
  void aNewAttemptAfterTheAnswerIsIllegal() {
    transfer.on(progress(1, 1, 200, "OK"));

    assertThatThrownBy(() -> transfer.on(progress(2, 2, 100, "Trying")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("attempt 2 started after attempt 1 answered");
    assertThat(transfer.state()).isEqualTo(State.ANSWERED);
  }

  @Test
  void anEndedTransferIgnoresLateAnswersNotifiesAndTimers() {
    transfer.on(ended(1, 1, 200, "OK", TransferOutcome.COMPLETED));
    transfer.on(progress(2, 2, 100, "Trying"));
    transfer.on(ended(3, 2, 486, "Busy Here", TransferOutcome.FAILED));
    transfer.on(new Transfer.ReferRejected(408, "Request Timeout"));
    transfer.on(new Transfer.ReferUnanswered(Duration.ofSeconds(32)));
    transfer.on(new Transfer.TimedOut(Duration.ofSeconds(40)));
    transfer.on(new Transfer.NoProxy());

    assertThat(transfer.state()).isEqualTo(State.COMPLETED);
    assertThat(transfer.sipStatus()).isEqualTo(200);
    assertThat(entered).hasSize(1);
  }

  @Test
  void ringTimeIsTheSumOfTheTargetsTimeouts() {
    assertThat(transfer.ringTime()).isEqualTo(Duration.ofSeconds(50));
    assertThat(transfer.first().to()).isEqualTo("+16465550111");
  }

  @Test
  void everyOutcomeEndsInTheFinalStateOfTheSameName() {
    for (TransferOutcome outcome : TransferOutcome.values()) {
      assertThat(State.of(outcome).wire()).isEqualTo(outcome.wire());
      assertThat(State.of(outcome).terminal()).isTrue();
    }
  }
}
