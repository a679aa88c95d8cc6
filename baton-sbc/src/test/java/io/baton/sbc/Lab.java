package io.baton.sbc;

import static io.baton.sip.TrustPolicy.Permission.INVITE_TO_DID;
import static io.baton.sip.TrustPolicy.Permission.IN_DIALOG;
import static io.baton.sip.TrustPolicy.Permission.OPTIONS;
import static io.baton.sip.TrustPolicy.Permission.REFER;

import io.baton.media.PortPool;
import io.baton.registry.Call;
import io.baton.registry.InMemoryCallRegistry;
import io.baton.registry.Leg;
import io.baton.sip.HostPort;
import io.baton.sip.PeerNames;
import io.baton.sip.TrustPolicy;
import io.baton.sip.TrustPolicy.Peer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The network around an SBC under test, on loopback: a registry, a redirect server and phones, all
 * real SIP endpoints. One lab per test class (starting and stopping endpoints takes seconds);
 * closing stops everything at once.
 */
final class Lab implements AutoCloseable {
  final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
  final InMemoryCallRegistry registry =
      new InMemoryCallRegistry(Clock.systemUTC(), Duration.ofMinutes(10));
  private final PortPool phoneRtp;
  private final List<AutoCloseable> open = new ArrayList<>();

  /**
   * @param phoneRtpPorts RTP ports for the phones, e.g. {@code 42200-42399}
   */
  Lab(String phoneRtpPorts) {
    String[] range = phoneRtpPorts.split("-");
    this.phoneRtp =
        new PortPool("127.0.0.1", Integer.parseInt(range[0]), Integer.parseInt(range[1]));
  }

  /**
   * SBC-edge's policy in these tests: callers may call (the test redirect server knows which
   * numbers are DIDs) and talk in their calls; {@code peers} (the phones playing the proxy) may
   * also REFER and see {@code X-Baton-*} headers.
   */
  static TrustPolicy edgeTrust(TestPhone... peers) {
    TrustPolicy policy = TrustPolicy.publicMay(OPTIONS, INVITE_TO_DID, IN_DIALOG);
    for (TestPhone peer : peers) {
      policy =
          policy.withPeer(
              new Peer(peer.address().toString(), peer.address().toString(), REFER, IN_DIALOG));
    }
    return policy;
  }

  static HostPort at(int port) {
    return new HostPort("127.0.0.1", port);
  }

  TestPhone phone(String name, int port) throws Exception {
    return keep(TestPhone.start(name, at(port), phoneRtp, scheduler));
  }

  TestRedirect redirect(int port) throws Exception {
    return keep(new TestRedirect(at(port)));
  }

  Sbc sbc(String name, SbcConfig config, Map<String, HostPort> network) throws Exception {
    return sbc(name, config, network, Clock.systemUTC(), scheduler);
  }

  /** An SBC whose timers run on {@code clock} and {@code timers} (e.g. virtual time). */
  Sbc sbc(
      String name,
      SbcConfig config,
      Map<String, HostPort> network,
      Clock clock,
      ScheduledExecutorService timers)
      throws Exception {
    return keep(Sbc.start(name, config, registry, new PeerNames(network), clock, timers));
  }

  private <T extends AutoCloseable> T keep(T closeable) {
    open.add(closeable);
    return closeable;
  }

  /** The call one of whose legs has this SIP Call-ID. */
  Call call(String sipCallId) {
    return registry.findBySipCallId(sipCallId).orElseThrow();
  }

  /** The leg with this SIP Call-ID. */
  Leg leg(String sipCallId) {
    return call(sipCallId).legs().stream()
        .filter(l -> sipCallId.equals(l.sipCallId()))
        .findFirst()
        .orElseThrow();
  }

  @Override
  public void close() throws Exception {
    List<Thread> closing = new ArrayList<>();
    for (AutoCloseable c : open) {
      closing.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      c.close();
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }));
    }
    for (Thread t : closing) {
      t.join();
    }
    scheduler.shutdownNow();
  }
}
