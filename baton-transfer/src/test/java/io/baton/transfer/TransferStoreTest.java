package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.store.Database;
import io.baton.store.DatabaseConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Transfers and their history in the real schema, on H2. */
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
        "target:support",
        new Destination.Sip("sip:support@127.0.0.1:5131"),
        TransferMode.BLIND,
        20,
        at,
        (t, from, cause) -> store.transitioned(t, at.plusSeconds(1), cause));
  }

  @Test
  void everyTransitionIsStoredWithTimeAndCause() {
    Transfer t = transfer("t-1", "c-1", T0);
    store.create(t, "requested by acme");
    t.on(new Transfer.ReferAccepted(202, "Accepted"));
    t.on(new Transfer.Notified(1, 603, "Decline"));

    TransferView view = store.find("t-1").orElseThrow();
    assertThat(view.state()).isEqualTo("failed");
    assertThat(view.sipStatus()).isEqualTo(603);
    assertThat(view.reason()).isEqualTo("Decline");
    assertThat(view.mode()).isEqualTo("blind");
    assertThat(view.to()).isEqualTo("target:support");
    assertThat(view.destination()).isEqualTo("sip:support@127.0.0.1:5131");
    assertThat(view.timeoutSeconds()).isEqualTo(20);
    assertThat(view.createdAt()).isEqualTo(T0);
    assertThat(view.history())
        .containsExactly(
            new TransferView.HistoryEntry("requested", T0, "requested by acme"),
            new TransferView.HistoryEntry(
                "routing", T0.plusSeconds(1), "REFER answered 202 Accepted"),
            new TransferView.HistoryEntry(
                "failed", T0.plusSeconds(1), "NOTIFY SIP/2.0 603 Decline"));
    assertThat(store.find("t-2")).isEmpty();
  }

  @Test
  void transfersAreGroupedByCallOldestFirst() {
    store.create(transfer("t-b", "c-1", T0.plusSeconds(5)), "second");
    store.create(transfer("t-a", "c-1", T0), "first");
    store.create(transfer("t-c", "c-2", T0), "other call");

    Map<String, List<TransferView>> byCall = store.forCalls(List.of("c-1", "c-3"));

    assertThat(byCall).containsOnlyKeys("c-1");
    assertThat(byCall.get("c-1")).extracting(TransferView::id).containsExactly("t-a", "t-b");
    assertThat(byCall.get("c-1").get(1).history()).hasSize(1);
  }

  @Test
  void unfinishedTransfersFailAfterARestart() {
    Transfer running = transfer("t-run", "c-1", T0);
    store.create(running, "requested");
    running.on(new Transfer.ReferAccepted(202, "Accepted"));
    Transfer done = transfer("t-done", "c-2", T0);
    store.create(done, "requested");
    done.on(new Transfer.Notified(1, 200, "OK"));

    assertThat(store.failUnfinished(T0.plusSeconds(60), "transfer server restarted")).isEqualTo(1);

    TransferView failed = store.find("t-run").orElseThrow();
    assertThat(failed.state()).isEqualTo("failed");
    assertThat(failed.reason()).isEqualTo("transfer server restarted");
    assertThat(failed.history())
        .extracting(TransferView.HistoryEntry::state)
        .containsExactly("requested", "routing", "failed");
    assertThat(store.find("t-done").orElseThrow().history()).hasSize(2);
  }
}
