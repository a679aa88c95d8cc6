package io.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.sip.HostPort;
import io.baton.sip.ManualTime;
import io.baton.sip.PeerNames;
import io.baton.sip.PrefixRoute;
import io.baton.sip.SipConfig;
import io.baton.testsupport.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A dialog whose BYE never came is forgotten: after {@code dialogMaxAge}, or once its session
 * interval (RFC 4028) passed without a refresh, on the injected clock.
 */
class DialogExpiryTest {
  private static final HostPort PROXY = new HostPort("127.0.0.1", 15220);

  private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
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

  /** Starts the proxy with {@code dialogMaxAge} on this clock and scheduler; a call through it. */
  private Calls.Established callThroughProxy(
      Duration maxAge, java.time.Clock on, ScheduledExecutorService timers) throws Exception {
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
            on,
            timers);
    return Calls.establish(caller, callee, Calls.invite(caller, PROXY, "+13125550100").build());
  }

  @Test
  void aDialogWhoseSessionIntervalPassedWithoutRefreshIsForgotten() throws Exception {
    caller = TestUa.start("sbc-edge", 15223);
    callee = TestUa.start("sbc-dest", 15224);
    // The callee grants a 90s session timer on the 2xx to the INVITE and to each refresh.
    callee.behave(
        request -> {
          switch (request.method()) {
            case Request.INVITE, Request.UPDATE -> {
              Response ok = request.createResponse(Response.OK);
              callee.endpoint.messages().setHeader(ok, "Session-Expires", "90;refresher=uac");
              request.respond(ok);
            }
            default -> callee.answerLikeAPhone(request);
          }
        });
    ManualTime time = new ManualTime();
    // dialogMaxAge 12h: only the session interval can end the dialog here
    Calls.Established call = callThroughProxy(null, time.clock(), time.scheduler());

    time.advance(Duration.ofSeconds(60)); // a sweep every minute
    assertThat(proxy.dialogs()).isEqualTo(1);
    Request update = call.callerDialog().createRequest(Request.UPDATE);
    caller.endpoint.messages().setHeader(update, "Session-Expires", "90");
    assertThat(caller.sendAndWait(update, call.callerDialog()).getStatusCode()).isEqualTo(200);
    time.advance(Duration.ofSeconds(60)); // 120s: refreshed at 60s, so alive until 150s
    assertThat(proxy.dialogs()).isEqualTo(1);

    time.advance(Duration.ofSeconds(60));

    assertThat(proxy.dialogs()).isZero();
    await() // legs are published off the proxy's own threads
        .atMost(TestUa.WAIT)
        .until(
            () ->
                registry.latest(call.sipCallId()).map(Leg::state).orElse(null)
                    == LegState.RELEASED);
  }

  @Test
  void dialogOlderThanTheMaximumAgeIsForgottenAndItsLegReleased() throws Exception {
    caller = TestUa.start("sbc-edge", 15221);
    callee = TestUa.start("sbc-dest", 15222);
    Duration maxAge = Duration.ofMillis(400); // swept every 100 ms
    Calls.Established call = callThroughProxy(maxAge, clock, scheduler);

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
