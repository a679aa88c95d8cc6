package io.baton.redirect;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.sip.HostPort;
import io.baton.sip.SipConfig;
import io.baton.sip.TrustPolicy;
import io.baton.sip.TrustPolicy.Peer;
import io.baton.sip.wire.MalformedCases;
import io.baton.sip.wire.SipWire;
import io.baton.sip.wire.WireCase;
import io.baton.sip.wire.WireResponse;
import io.baton.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The redirect server fed malformed SIP on the real wire (raw UDP and TCP): the right answer or
 * none, and dialled numbers are still redirected afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedirectMalformedTest {
  private static final HostPort SERVER = new HostPort("127.0.0.1", 15150);
  private static final String DID = "+18005550100";

  private final ManualScheduler scheduler = new ManualScheduler();
  private Database db;
  private RedirectServer server;

  @BeforeAll
  void start() throws Exception {
    db = RedirectServerTest.seededDatabase();
    RedirectConfig config =
        new RedirectConfig(
            new SipConfig(SERVER, List.of("udp", "tcp"), 4, null),
            io.baton.sip.NextHop.parse("127.0.0.1:5080"),
            "US",
            Duration.ofSeconds(7),
            // The test's raw sockets send from ephemeral loopback ports, over UDP and TCP.
            new TrustPolicy(
                List.of(new Peer("wire", "127.0.0.1", TrustPolicy.Permission.values())), null));
    server = RedirectServer.start("redirect", config, db, Clock.systemUTC(), scheduler);
  }

  @AfterAll
  void stop() {
    server.close();
    scheduler.shutdownNow();
    db.close();
  }

  static Stream<WireCase> cases() {
    return Stream.concat(
        MalformedCases.common(),
        Stream.of(
            WireCase.answered("bye-unknown-dialog.sip", 481),
            WireCase.answered("utf8-garbage-in-display-name.sip", 302)));
  }

  static Stream<WireCase> tcpCases() {
    return cases().filter(WireCase::overTcp);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void overUdp(WireCase c) {
    try (SipWire wire = SipWire.udp(SERVER)) {
      c.check(wire, DID);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tcpCases")
  void overTcp(WireCase c) {
    try (SipWire wire = SipWire.tcp(SERVER)) {
      c.check(wire, DID);
    }
  }

  @Test
  void aBurstOfJunkLeavesTheServerRedirecting() {
    List<String> junk =
        List.of("garbage.bin", "no-via.sip", "malformed-via.sip", "malformed-status-line.sip");
    try (SipWire wire = SipWire.udp(SERVER)) {
      for (int i = 0; i < 500; i++) {
        wire.send(wire.message(junk.get(i % junk.size()), DID));
      }
      WireCase.ask(wire, "valid-options.sip", DID, 200);
    }
  }

  /** An escaped number is the number (RFC 3261 §19.1.2, §19.1.4): redirected, not 484. */
  @Test
  void anEscapedNumberIsRedirectedLikeTheNumber() {
    try (SipWire wire = SipWire.udp(SERVER)) {
      WireResponse moved =
          WireCase.ask(wire, "utf8-garbage-in-display-name.sip", "%2B18005550100", 302);
      assertThat(moved.header("Contact")).contains("+13125550100@127.0.0.1:5080");
    }
  }

  /** A dialled number is still redirected to the core proxy. */
  @AfterEach
  void stillRedirecting() {
    try (SipWire wire = SipWire.udp(SERVER)) {
      WireResponse moved = WireCase.ask(wire, "utf8-garbage-in-display-name.sip", DID, 302);
      assertThat(moved.header("Contact")).contains("+13125550100@127.0.0.1:5080");
    }
  }
}
