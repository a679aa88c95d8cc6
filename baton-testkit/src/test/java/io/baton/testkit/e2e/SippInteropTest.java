package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.sip.HostPort;
import io.baton.testkit.Sipp;
import io.baton.testkit.SippResult;
import io.baton.testkit.SippRun;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SIPp, an independent SIP implementation, as the caller and as the second destination. */
class SippInteropTest extends LabTest {

  @BeforeEach
  void needsSipp() {
    Sipp.assumeAvailable();
  }

  private static CompletableFuture<SippResult> inBackground(SippRun run) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return Sipp.run(run);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void sippCallerIsTransferredToSalesAndHangsUpCleanly() throws Exception {
    UserAgent sales = endpoint("pstn-sales");
    int before = sales.calls().size();
    CompletableFuture<SippResult> sipp =
        inBackground(
            SippRun.uac(
                    "uac-call-expect-200.xml",
                    HostPort.parse(EDGE),
                    new HostPort("127.0.0.1", 16050),
                    16052)
                .withService("+18005550100")
                .withSet("hold", "6000")
                .withTimeout(Duration.ofSeconds(40)));

    JsonNode[] call = new JsonNode[1];
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (JsonNode c : acme.get("/v1/calls?state=active&limit=20").body().get("items")) {
                if (c.get("from").asText().contains("sipp@127.0.0.1:16050")) {
                  call[0] = c;
                }
              }
              assertThat(call[0]).isNotNull();
            });
    String transferId = transfer(call[0].get("id").asText(), "{\"to\":\"target:sales\"}");
    awaitTransfer(transferId, "completed");

    SippResult result = sipp.get(60, TimeUnit.SECONDS);
    assertThat(result.exitCode()).as("sipp: %s", result).isZero();
    assertThat(result.successfulCalls()).isEqualTo(1);
    await().atMost(WAIT).until(() -> sales.calls().size() > before);
    UaCall atSales = sales.calls().get(before);
    atSales.awaitEnded(WAIT);
    assertThat(atSales.endedByRemote()).as("SIPp's BYE reached the second destination").isTrue();
  }

  @Test
  void sippIsTheSecondDestination() throws Exception {
    CompletableFuture<SippResult> sipp =
        inBackground(
            SippRun.uas("uas-answer.xml", new HostPort("127.0.0.1", 16060), 16062)
                .withRtpEcho()
                .withTimeout(Duration.ofSeconds(40)));
    Thread.sleep(300); // let SIPp bind its port

    UaCall ua = call("+18005550100");
    String transferId =
        transfer(callOf(ua).get("id").asText(), "{\"to\":\"sip:sipp@127.0.0.1:16060\"}");
    JsonNode transfer = awaitTransfer(transferId, "completed");
    assertThat(transfer.get("sipStatus").isNull() || transfer.get("sipStatus").asInt() == 200)
        .isTrue();
    // SIPp echoes what it receives: the caller hears its own audio back through the new path.
    assertReceiving(ua.rtp(), "caller, from SIPp's echo");

    ua.hangUp();
    SippResult result = sipp.get(60, TimeUnit.SECONDS);
    assertThat(result.exitCode()).as("sipp: %s", result).isZero();
    assertThat(result.successfulCalls()).isEqualTo(1);
  }
}
