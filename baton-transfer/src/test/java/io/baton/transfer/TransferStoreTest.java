package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.contract.OnFail;
import io.baton.contract.TransferMode;
import io.baton.contract.TransferOutcome;
import io.baton.store.Database;
import io.baton.store.DatabaseConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Transfers, their targets and their history in the real schema, on H2. */
class TransferStoreTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private final Database db = Database.open(DatabaseConfig.inMemory("store-" + System.nanoTime()));
  private final TransferStore store = new TransferStore(db);

  @AfterEach
  void close() {
    db.close();
  }

  private Transfer transfer(String id, String callId, Instant at) {
    return new Transfer(
        id,
        callId,
        "acme",
        List.of(
            new Transfer.Target(
                "target:support", new ReferTarget.Sip("sip:support@127.0.0.1:5131"), 20),
            new Transfer.Target("+16465550111", new ReferTarget.Number("+16465550111"), 25)),
        TransferMode.BLIND,
        OnFail.HANGUP,
        Map.of(),
        at,
        (t, from, cause) ->
            db.inTransaction(
                c -> {
                  store.transitioned(c, t, at.plusSeconds(1), cause);
                  return null;
                }));
  }

  private void create(Transfer t, String cause) {
    db.inTransaction(
        c -> {
          store.insert(c, t, cause);
          return null;
        });
  }

  @Test
  void everyTransitionIsStoredWithTimeCauseAndAttempt() {
    Transfer t = transfer("t-1", "c-1", T0);
    create(t, "requested by acme");
    t.on(new Transfer.ReferAccepted(202, "Accepted"));
    t.on(new Transfer.Progress(1, 1, 486, "Busy Here"));
    t.on(new Transfer.Ended(2, 2, 603, "Decline", TransferOutcome.FAILED, "noresource"));

    TransferView view = store.find("t-1").orElseThrow();
    assertThat(view.state()).isEqualTo("failed");
    assertThat(view.sipStatus()).isEqualTo(603);
    assertThat(view.reason()).isEqualTo("Decline");
    assertThat(view.mode()).isEqualTo("blind");
    assertThat(view.onFail()).isEqualTo("hangup");
    assertThat(view.attempt()).isEqualTo(2);
    assertThat(view.to()).isEqualTo("target:support");
    assertThat(view.destination()).isEqualTo("sip:support@127.0.0.1:5131");
    assertThat(view.timeoutSeconds()).isEqualTo(20);
    assertThat(view.targets())
        .containsExactly(
            new TransferView.TargetView("target:support", "sip:support@127.0.0.1:5131", 20),
            new TransferView.TargetView("+16465550111", "tel:+16465550111", 25));
    assertThat(view.createdAt()).isEqualTo(T0);
    assertThat(view.history())
        .containsExactly(
            new TransferView.HistoryEntry("requested", T0, "requested by acme"),
            new TransferView.HistoryEntry(
                "routing", T0.plusSeconds(1), "REFER answered 202 Accepted"),
            new TransferView.HistoryEntry(
                "routing", T0.plusSeconds(1), "NOTIFY SIP/2.0 486 Busy Here, attempt 1 failed"),
            new TransferView.HistoryEntry(
                "failed", T0.plusSeconds(1), "NOTIFY SIP/2.0 603 Decline, outcome failed"));
    assertThat(store.find("t-2")).isEmpty();
  }

  @Test
  void transfersAreGroupedByCallOldestFirst() {
    create(transfer("t-b", "c-1", T0.plusSeconds(5)), "second");
    create(transfer("t-a", "c-1", T0), "first");
    create(transfer("t-c", "c-2", T0), "other call");

    Map<String, List<TransferView>> byCall = store.forCalls(List.of("c-1", "c-3"));

    assertThat(byCall).containsOnlyKeys("c-1");
    assertThat(byCall.get("c-1")).extracting(TransferView::id).containsExactly("t-a", "t-b");
    assertThat(byCall.get("c-1").get(1).history()).hasSize(1);
    assertThat(byCall.get("c-1").get(1).targets()).hasSize(2);
  }

  @Test
  void unfinishedTransfersAreFoundAndResumedAsTheyWere() {
    Transfer running = transfer("t-run", "c-1", T0);
    create(running, "requested");
    running.on(new Transfer.ReferAccepted(202, "Accepted"));
    running.on(new Transfer.Progress(1, 2, 180, "Ringing"));
    Transfer done = transfer("t-done", "c-2", T0);
    create(done, "requested");
    done.on(new Transfer.Ended(1, 1, 487, "Request Terminated", TransferOutcome.CANCELLED, ""));
    Transfer rolledBack = transfer("t-back", "c-3", T0);
    create(rolledBack, "requested");
    rolledBack.on(new Transfer.Ended(1, 1, 486, "Busy", TransferOutcome.ROLLED_BACK, ""));

    List<TransferView> unfinished = store.unfinished();
    assertThat(unfinished).extracting(TransferView::id).containsExactly("t-run");

    Transfer resumed = Transfer.resumed(unfinished.getFirst(), (t, from, cause) -> {});
    assertThat(resumed.state()).isEqualTo(Transfer.State.RINGING);
    assertThat(resumed.attempt()).isEqualTo(2);
    assertThat(resumed.mode()).isEqualTo(TransferMode.BLIND);
    assertThat(resumed.onFail()).isEqualTo(OnFail.HANGUP);
    assertThat(resumed.createdAt()).isEqualTo(T0);
    assertThat(resumed.targets()).isEqualTo(running.targets());
    assertThat(resumed.ringTime()).isEqualTo(running.ringTime());
  }
}
