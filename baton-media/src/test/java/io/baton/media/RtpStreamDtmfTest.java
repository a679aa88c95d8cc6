package io.baton.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** Two RTP streams on loopback: digits as RFC 4733 events, and bridged audio. */
class RtpStreamDtmfTest {

  @Test
  void digitsSentOnTheNegotiatedPayloadTypeArriveOnceEachAndAudioGoesOn() throws Exception {
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
    try (MediaClock clock = new MediaClock(scheduler);
        RtpStream a = RtpStream.open("127.0.0.1", clock);
        RtpStream b = RtpStream.open("127.0.0.1", clock)) {
      List<Character> atB = new CopyOnWriteArrayList<>();
      a.telephoneEvents(101, c -> {});
      b.telephoneEvents(101, atB::add);
      assertThatThrownBy(() -> a.sendDigits("1x")).hasMessageContaining("'x'");
      a.sendTo(new InetSocketAddress("127.0.0.1", b.localPort()));

      a.sendDigits("1#1");

      await().atMost(Duration.ofSeconds(5)).until(() -> atB.size() == 3);
      assertThat(atB).containsExactly('1', '#', '1');
      long received = b.packetsReceived();
      await().atMost(Duration.ofSeconds(5)).until(() -> b.packetsReceived() > received + 5);
      assertThat(b.lastLevel()).as("the tone goes on after the digits").isGreaterThan(1000);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void withoutANegotiatedPayloadTypeNoDigitsAreSent() throws Exception {
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
    try (MediaClock clock = new MediaClock(scheduler);
        RtpStream a = RtpStream.open("127.0.0.1", clock)) {
      assertThatThrownBy(() -> a.sendDigits("1")).isInstanceOf(IllegalStateException.class);
      assertThat(a.telephoneEventPayloadType()).isEqualTo(-1);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void receivedFramesFeedAnotherStream() throws Exception {
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
    try (MediaClock clock = new MediaClock(scheduler);
        RtpStream talker = RtpStream.open("127.0.0.1", clock);
        RtpStream bridge = RtpStream.open("127.0.0.1", clock);
        RtpStream listener = RtpStream.open("127.0.0.1", clock)) {
      bridge.source(bridge.receivedFrames());
      bridge.sendTo(new InetSocketAddress("127.0.0.1", listener.localPort()));
      await().atMost(Duration.ofSeconds(5)).until(() -> listener.packetsReceived() > 5);
      assertThat(listener.lastLevel()).as("silence while nothing arrives").isZero();

      talker.sendTo(new InetSocketAddress("127.0.0.1", bridge.localPort()));

      await().atMost(Duration.ofSeconds(5)).until(() -> listener.lastLevel() > 1000);
    } finally {
      scheduler.shutdownNow();
    }
  }
}
