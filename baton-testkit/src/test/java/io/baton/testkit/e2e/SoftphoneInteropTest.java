package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.media.LevelMeter;
import io.baton.testkit.Baresip;
import io.baton.testkit.Executables;
import io.baton.testkit.SoftphoneConfig;
import io.baton.testkit.Wav;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real softphone in the loop (issue 4): Debian's baresip calls the lab's call center through
 * SBC-edge over UDP, speaking from a WAV file (espeak-ng), is transferred to sales (pstn-sales, a
 * 440 Hz tone), and the audio is checked for energy at both ends: the caller's speech as it reaches
 * pstn-sales, and pstn-sales's tone in what baresip recorded. Skipped when baresip, espeak-ng or
 * sox is not installed ({@code .ci/run} installs them).
 */
class SoftphoneInteropTest extends LabTest {
  private static final Logger LOG = LoggerFactory.getLogger(SoftphoneInteropTest.class);
  private static final String DID = "+18005550100";

  /** pstn-sales plays 440 Hz (the call center 600 Hz): the caller hears sales, not the center. */
  private static final double SALES_TONE_HZ = 440;

  private Path dir;

  @BeforeEach
  void needsTheTools(TestInfo test) throws IOException {
    Baresip.assumeAvailable();
    for (String tool : new String[] {"espeak-ng", "sox"}) {
      Assumptions.assumeTrue(
          Executables.onPath(tool).isPresent(), tool + " not on PATH: apt-get install " + tool);
    }
    dir = Path.of("target", "softphone", test.getTestMethod().orElseThrow().getName());
    if (Files.exists(dir)) {
      try (Stream<Path> old = Files.walk(dir)) {
        for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
  }

  @Test
  void softphonePressesOneInTheIvrIsTransferredToSalesAndTalksWithItBothWays() throws Exception {
    UserAgent sales = endpoint("pstn-sales");
    int salesCalls = sales.calls().size();
    try (Baresip phone = startSoftphone()) {
      String callId = dialTheCallCenter(phone);

      // The IVR of +18005550100 (config/lab.yaml) transfers "1" to target:sales through the API.
      phone.sendDtmf('1');

      JsonNode transfer = awaitCompletedTransfer(callId);
      assertThat(transfer.get("to").toString()).contains("target:sales");
      // The digit went in the RTP stream as an RFC 4733 telephone-event (offered in baresip's SDP),
      // not as SIP INFO: no INFO in the call's ladder.
      JsonNode ladder = acme.get("/v1/calls/" + callId + "/messages").body().get("items");
      List<String> methods = new ArrayList<>();
      ladder.forEach(m -> methods.add(m.get("method").asText()));
      assertThat(methods).contains("INVITE", "REFER").doesNotContain("INFO");
      assertThat(ladder.get(0).get("text").asText()).contains("telephone-event/8000");
      Wav heard = assertTalksWithSales(phone, sales, salesCalls);
      // Before it, the softphone heard the IVR's spoken menu: audio, and not sales's tone.
      Wav menu = heard.first(1.0);
      assertThat(menu.level().windowsAtOrAbove(AUDIBLE_DBOV))
          .as("the softphone hears the IVR's menu: %s", menu.level())
          .isGreaterThanOrEqualTo(5);
      assertThat(menu.toneShare(SALES_TONE_HZ)).isLessThan(0.2);
    }
  }

  private Baresip startSoftphone() throws IOException, InterruptedException {
    Path speech =
        Wav.speak("Hello, this is a caller on a real softphone.", 30, dir.resolve("says.wav"));
    // relative to baresip's directory: aufile cuts its path at 127 characters, a clone's may be
    // longer
    return Baresip.start(dir, SoftphoneConfig.lab(dir.relativize(speech)));
  }

  /** Dials the DID through SBC-edge until answered; returns the Baton id of the call. */
  private static String dialTheCallCenter(Baresip phone) throws Exception {
    phone.dial("sip:" + DID + "@" + EDGE);
    phone.awaitEvent("CALL_ESTABLISHED", WAIT);
    JsonNode[] found = new JsonNode[1];
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              found[0] = null;
              for (JsonNode call :
                  acme.get("/v1/calls?state=active&limit=20").body().get("items")) {
                if (call.get("from").asText().contains("softphone@")) {
                  found[0] = call;
                }
              }
              assertThat(found[0]).as("the softphone's call in the API").isNotNull();
            });
    assertThat(found[0].get("did").asText()).isEqualTo(DID);
    return found[0].get("id").asText();
  }

  /** Waits until the call has a transfer (GET /v1/calls/{id}), then until it is completed. */
  private static JsonNode awaitCompletedTransfer(String callId) {
    String[] transferId = new String[1];
    await()
        .atMost(WAIT)
        .until(
            () -> {
              JsonNode transfers = acme.get("/v1/calls/" + callId).body().get("transfers");
              transferId[0] = transfers.isEmpty() ? null : transfers.get(0).get("id").asText();
              return transferId[0] != null;
            });
    return awaitTransfer(transferId[0], "completed");
  }

  /**
   * The caller's speech reaches pstn-sales with energy, and pstn-sales's tone reaches the
   * softphone: the last second baresip heard before hanging up (all after the transfer) is loud,
   * and is sales's 440 Hz.
   */
  private static Wav assertTalksWithSales(Baresip phone, UserAgent sales, int salesCallsBefore)
      throws Exception {
    await().atMost(WAIT).until(() -> sales.calls().size() > salesCallsBefore);
    UaCall atSales = sales.calls().get(sales.calls().size() - 1);
    LevelMeter heardBySales = atSales.rtp().receivedLevel();
    // 1.5 s of the caller's speech (windows of 100 ms) at speech level, not just packets: the last
    // second the softphone hears before it hangs up is then all after the transfer.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(heardBySales.windowsAtOrAbove(AUDIBLE_DBOV))
                    .as("pstn-sales hears the softphone: %s", heardBySales.summary(AUDIBLE_DBOV))
                    .isGreaterThanOrEqualTo(15));
    assertThat(heardBySales.loudestDbov()).isGreaterThan(-30);

    phone.hangUp();
    phone.awaitEvent("CALL_CLOSED", WAIT);
    atSales.awaitEnded(WAIT);

    Wav heard = Wav.read(phone.heardAudio());
    Wav lastSecond = heard.last(1.0);
    double salesShare = lastSecond.toneShare(SALES_TONE_HZ);
    LOG.info(
        "pstn-sales heard: {}; the softphone heard {} s, its last second: {}, {}% {} Hz",
        heardBySales.summary(AUDIBLE_DBOV),
        heard.seconds(),
        lastSecond.level().summary(AUDIBLE_DBOV),
        Math.round(salesShare * 100),
        SALES_TONE_HZ);
    assertThat(lastSecond.level().windowsAtOrAbove(AUDIBLE_DBOV))
        .as("the softphone hears pstn-sales (%.1f s recorded): %s", heard.seconds(), lastSecond)
        .isGreaterThanOrEqualTo(9);
    assertThat(salesShare)
        .as("share of the softphone's last second that is sales's %s Hz tone", SALES_TONE_HZ)
        .isGreaterThan(0.8);
    return heard;
  }
}
