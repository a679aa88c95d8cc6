package io.baton.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MediaRelayTest {
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final PortPool pool = new PortPool("127.0.0.1", 41000, 41099);
  private final MediaRelay relay = new MediaRelay(pool);
  private final MediaClock clock = new MediaClock(scheduler);

  @AfterEach
  void stop() {
    relay.close();
    clock.close();
    scheduler.shutdownNow();
  }

  @Test
  void relaysBothWaysThenMovesTheCallerToANewSideWithoutChangingItsPort() throws Exception {
    try (RtpStream caller = RtpStream.open("127.0.0.1", clock);
        RtpStream first = RtpStream.open("127.0.0.1", clock);
        RtpStream second = RtpStream.open("127.0.0.1", clock)) {
      RelaySession session = relay.open("call-1");
      RelaySide callerSide = session.addSide("caller");
      RelaySide firstSide = session.addSide("leg1");
      callerSide.expectPeer(new InetSocketAddress("127.0.0.1", caller.localPort()));
      firstSide.expectPeer(new InetSocketAddress("127.0.0.1", first.localPort()));
      session.bridge(callerSide, firstSide);
      caller.sendTo(callerSide.local());
      first.sendTo(firstSide.local());

      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> first.packetsReceived() > 10 && caller.packetsReceived() > 10);
      assertThat(first.lastLevel()).isGreaterThan(1000);

      RelaySide secondSide = session.addSide("leg2");
      secondSide.expectPeer(new InetSocketAddress("127.0.0.1", second.localPort()));
      second.sendTo(secondSide.local());
      session.bridge(callerSide, secondSide);
      session.closeSide(firstSide);
      long firstAtMove = first.packetsReceived();
      long callerAtMove = caller.packetsReceived();

      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> second.packetsReceived() > 10 && caller.packetsReceived() > callerAtMove + 10);
      assertThat(caller.lastSource().getPort()).isEqualTo(callerSide.localPort());
      assertThat(first.packetsReceived()).isLessThanOrEqualTo(firstAtMove + 2);
      assertThat(pool.inUse()).isEqualTo(2);
      session.close();
      assertThat(pool.inUse()).isZero();
      assertThat(relay.openSessions()).isZero();
    }
  }

  @Test
  void latchesOntoTheSourceOfTheFirstPacket() throws Exception {
    try (RtpStream a = RtpStream.open("127.0.0.1", clock);
        RtpStream b = RtpStream.open("127.0.0.1", clock)) {
      RelaySession session = relay.open("call-2");
      RelaySide sa = session.addSide("a");
      RelaySide sb = session.addSide("b");
      sa.expectPeer(new InetSocketAddress("127.0.0.1", 9)); // SDP lies (e.g. behind NAT)
      sb.expectPeer(new InetSocketAddress("127.0.0.1", b.localPort()));
      session.bridge(sa, sb);
      a.sendTo(sa.local());
      b.sendTo(sb.local());
      await().atMost(Duration.ofSeconds(5)).until(() -> a.packetsReceived() > 5);
      assertThat(sa.latched()).isTrue();
      assertThat(sa.peer().getPort()).isEqualTo(a.localPort());
      session.close();
    }
  }

  @Test
  void poolHandsOutEvenPortsAndReportsExhaustion() throws Exception {
    PortPool tiny = new PortPool("127.0.0.1", 41201, 41204);
    assertThat(tiny.capacity()).isEqualTo(2);
    var c1 = tiny.bind();
    var c2 = tiny.bind();
    int port1 = ((InetSocketAddress) c1.getLocalAddress()).getPort();
    assertThat(port1 % 2).isZero();
    org.assertj.core.api.Assertions.assertThatThrownBy(tiny::bind)
        .hasMessageContaining("no free RTP port");
    c1.close();
    tiny.release(port1);
    assertThat(tiny.inUse()).isEqualTo(1);
    var c3 = tiny.bind();
    assertThat(((InetSocketAddress) c3.getLocalAddress()).getPort()).isEqualTo(port1);
    c2.close();
    c3.close();
  }

  @Test
  void rtpPacketsRoundTrip() {
    RtpPacket p = new RtpPacket(0, true, 65535, 4294967295L, 123456789L, new byte[] {1, 2, 3});
    RtpPacket q = RtpPacket.parse(java.nio.ByteBuffer.wrap(p.encode()));
    assertThat(q.payloadType()).isZero();
    assertThat(q.marker()).isTrue();
    assertThat(q.sequence()).isEqualTo(65535);
    assertThat(q.timestamp()).isEqualTo(4294967295L);
    assertThat(q.ssrc()).isEqualTo(123456789L);
    assertThat(q.payload()).containsExactly(1, 2, 3);
  }

  @Test
  void g711RoundTripsWithinQuantisationError() {
    for (int v = -32000; v <= 32000; v += 997) {
      assertThat(G711.ulawToLinear(G711.linearToUlaw(v)))
          .isCloseTo(v, org.assertj.core.data.Offset.offset(Math.abs(v) / 16 + 8));
      assertThat(G711.alawToLinear(G711.linearToAlaw(v)))
          .isCloseTo(v, org.assertj.core.data.Offset.offset(Math.abs(v) / 16 + 16));
    }
    assertThat(G711.ulawRms(new Tone(440, 8000).nextFrame())).isBetween(5000.0, 6500.0);
  }
}
