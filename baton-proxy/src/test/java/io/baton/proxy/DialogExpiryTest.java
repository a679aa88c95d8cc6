package io.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.sip.HostPort;
import io.baton.sip.PeerNames;
import io.baton.sip.PrefixRoute;
import io.baton.sip.SipConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.sip.message.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A dialog whose BYE never came is forgotten after {@code dialogMaxAge} on the injected clock. */
class DialogExpiryTest {
  private static final HostPort PROXY = new HostPort("127.0.0.1", 15220);

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final RecordingRegistry registry = new RecordingRegistry();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private TestUa caller;
  private TestUa callee;
  private ProxyServer proxy;

  @AfterEach
  void stop() {
    proxy.close();
    caller.close();
    callee.close();
    scheduler.shutdownNow();
  }

  @Test
  void dialogOlderThanTheMaximumAgeIsForgottenAndItsLegReleased() throws Exception {
    caller = TestUa.start("sbc-edge", 15221);
    callee = TestUa.start("sbc-dest", 15222);
    Duration maxAge = Duration.ofMillis(400); // swept every 100 ms
    proxy =
        ProxyServer.start(
            "proxy",
            new ProxyConfig(
                SipConfig.at(PROXY),
                List.of(new PrefixRoute("+1312555", callee.address())),
                Calls.neighbours(caller, callee),
                maxAge),
            registry,
            PeerNames.none(),
            clock,
            scheduler);
    Calls.Established call =
        Calls.establish(caller, callee, Calls.invite(caller, PROXY, "+13125550100").build());

    // Sweeps run, but on the injected clock no time passes: the dialog stays.
    await()
        .during(Duration.ofMillis(400))
        .atMost(Duration.ofSeconds(2))
        .until(() -> proxy.dialogs() == 1);

    clock.advance(maxAge.plusMillis(1));

    await().atMost(TestUa.WAIT).until(() -> proxy.dialogs() == 0);
    await()
        .atMost(TestUa.WAIT)
        .until(
            () ->
                registry.latest(call.sipCallId()).map(Leg::state).orElse(null)
                    == LegState.RELEASED);
    // Loose routing needs no dialog state: a late BYE still crosses the proxy.
    assertThat(
            caller
                .sendAndWait(call.callerDialog().createRequest(Request.BYE), call.callerDialog())
                .getStatusCode())
        .isEqualTo(200);
  }
}
