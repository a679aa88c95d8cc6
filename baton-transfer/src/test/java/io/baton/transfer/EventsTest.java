package io.baton.transfer;

import static io.baton.transfer.TransferFixture.ACME_KEY;
import static io.baton.transfer.TransferFixture.ADMIN_KEY;
import static io.baton.transfer.TransferFixture.GLOBEX_DID;
import static io.baton.transfer.TransferFixture.GLOBEX_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.registry.Call;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.sip.InboundRequest;
import io.baton.transfer.SseStream.Received;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/events} on a real socket: order, ids, tenancy, call events, heartbeats. */
class EventsTest {
  private static TransferFixture lab;

  @BeforeAll
  static void start() throws Exception {
    lab = TransferFixture.start("events", 15440, 15441, 18084);
  }

  @AfterAll
  static void stop() {
    lab.close();
  }

  private static SseStream open(String key) throws Exception {
    return SseStream.open(lab.http, lab.request("/v1/events", key));
  }

  private static boolean isTransfer(Received e, String id, String state) {
    return e.type().equals("transfer.updated")
        && e.data().get("id").asText().equals(id)
        && e.data().get("state").asText().equals(state);
  }

  private static boolean isCall(Received e, String id, String state) {
    return e.type().equals("call.updated")
        && e.data().get("id").asText().equals(id)
        && e.data().get("state").asText().equals(state);
  }

  @Test
  void aTenantSeesEveryChangeOfItsTransfersAndCallsInOrderAndNothingElse() throws Exception {
    try (SseStream acme = open(ACME_KEY);
        SseStream globex = open(GLOBEX_KEY);
        SseStream admin = open(ADMIN_KEY)) {
      Call call = lab.answeredCall();
      String id =
          lab.transfer(call, "{\"to\": [\"+16465550111\", \"target:support\"]}").get("id").asText();
      InboundRequest refer = lab.proxy.nextRefer();
      lab.awaitTransfer(id, "routing");
      lab.proxy.notify(refer, 1, 1, 100, "Trying", null);
      lab.proxy.notify(refer, 2, 1, 486, "Busy Here", null);
      lab.proxy.notify(refer, 3, 2, 180, "Ringing", null);
      lab.proxy.notify(refer, 4, 2, 200, "OK", null);
      lab.proxy.notify(refer, 5, 2, 200, "OK", "completed");
      Leg caller = call.callerLeg().orElseThrow();
      lab.registry.putLeg(caller.withState(LegState.RELEASED, lab.clock.instant()));

      List<Received> seen = acme.until(e -> isCall(e, call.id(), "ended"));
      assertThat(seen).extracting(Received::id).isSorted().doesNotHaveDuplicates();
      assertThat(seen).allMatch(e -> e.data().get("tenant").asText().equals("acme"));
      assertThat(seen.stream().filter(e -> e.type().equals("transfer.updated")))
          .allMatch(e -> e.data().get("id").asText().equals(id))
          .extracting(e -> e.data().get("state").asText())
          .containsExactly(
              "requested", "routing", "dialing", "dialing", "ringing", "answered", "completed");
      assertThat(seen.stream().filter(e -> e.type().equals("call.updated")))
          .extracting(e -> e.data().get("state").asText())
          .containsExactly("active", "ended");
      Received completed =
          seen.stream().filter(e -> isTransfer(e, id, "completed")).findFirst().orElseThrow();
      assertThat(completed.data().get("history")).hasSize(7);
      assertThat(completed.data().get("attempt").asInt()).isEqualTo(2);
      Received ended = seen.getLast();
      assertThat(ended.data().get("transfers").get(0).get("state").asText()).isEqualTo("completed");

      // Another tenant's stream: only its own call, which comes after all of acme's events.
      Call theirs = lab.call(GLOBEX_DID, LegState.ACTIVE, true);
      List<Received> globexSeen = globex.until(e -> isCall(e, theirs.id(), "active"));
      assertThat(globexSeen).extracting(Received::type).containsExactly("call.updated");
      assertThat(globexSeen.getFirst().id()).isGreaterThan(ended.id());

      // The admin sees both tenants, in the same order and with the same ids.
      List<Received> all = admin.until(e -> isCall(e, theirs.id(), "active"));
      assertThat(all).extracting(Received::id).isSorted();
      assertThat(all.subList(0, seen.size())).isEqualTo(seen);
      assertThat(all.getLast().id()).isEqualTo(globexSeen.getFirst().id());
    }
  }

  @Test
  void anIdleStreamGetsHeartbeats() throws Exception {
    SseStream stream = open(ACME_KEY);
    assertThat(stream.nextComment(Duration.ofSeconds(5))).isEqualTo(":");
    stream.close();
  }

  @Test
  void theStreamNeedsAKey() throws Exception {
    assertThat(lab.get("/v1/events", null).statusCode()).isEqualTo(401);
  }
}
