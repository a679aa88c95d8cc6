package io.baton.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class LevelMeterTest {
  private static final int PCMU = 0;
  private static final int PCMA = 8;
  private static final int TELEPHONE_EVENT = 101;

  /** One second of a sine of peak {@code amplitude}, 20 ms payloads, in µ-law or A-law. */
  private static byte[][] sine(double hz, double amplitude, boolean alaw) {
    byte[][] frames = new byte[50][Tone.FRAME_SAMPLES];
    for (int f = 0; f < frames.length; f++) {
      for (int i = 0; i < Tone.FRAME_SAMPLES; i++) {
        double t = (double) (f * Tone.FRAME_SAMPLES + i) / Tone.SAMPLE_RATE;
        int v = (int) Math.round(amplitude * Math.sin(2 * Math.PI * hz * t));
        frames[f][i] = alaw ? G711.linearToAlaw(v) : G711.linearToUlaw(v);
      }
    }
    return frames;
  }

  private static byte[][] silence(byte zero) {
    byte[][] frames = new byte[50][Tone.FRAME_SAMPLES];
    for (byte[] frame : frames) {
      Arrays.fill(frame, zero);
    }
    return frames;
  }

  private static LevelMeter measure(int payloadType, byte[][] frames) {
    LevelMeter meter = new LevelMeter();
    for (byte[] frame : frames) {
      assertThat(meter.addRtp(payloadType, frame)).isTrue();
    }
    return meter;
  }

  @Test
  void aToneInPcmuHasTheLevelOfItsAmplitudeInEveryWindow() {
    // A sine of peak A has RMS A/√2: 8000 → 20·log10(5657/32768) = -15.3 dBov.
    LevelMeter meter = measure(PCMU, sine(440, 8000, false));

    assertThat(meter.samples()).isEqualTo(8000);
    assertThat(meter.windows()).isEqualTo(10);
    assertThat(meter.loudestDbov()).isCloseTo(-15.3, within(0.3));
    assertThat(meter.lastDbov()).isCloseTo(-15.3, within(0.3));
    assertThat(meter.windowsAtOrAbove(-16)).isEqualTo(10);
    assertThat(meter.windowsAtOrAbove(-14)).isZero();
  }

  @Test
  void aToneInPcmaIsDecodedWithTheALawAndMeasuresTheSame() {
    LevelMeter meter = measure(PCMA, sine(1000, 8000, true));

    assertThat(meter.loudestDbov()).isCloseTo(-15.3, within(0.3));
    assertThat(meter.windowsAtOrAbove(-16)).isEqualTo(10);
  }

  @Test
  void aFullScaleSineIsMinusThreeDbov() {
    assertThat(measure(PCMU, sine(1000, 32124, false)).loudestDbov()).isCloseTo(-3, within(0.3));
  }

  @Test
  void silenceIsAtTheFloorInBothLaws() {
    // µ-law 0xFF and A-law 0xD5 are the codes nearest zero.
    LevelMeter ulaw = measure(PCMU, silence((byte) 0xff));
    LevelMeter alaw = measure(PCMA, silence((byte) 0xd5));

    assertThat(ulaw.windows()).isEqualTo(10);
    assertThat(ulaw.loudestDbov()).isEqualTo(LevelMeter.SILENCE_DBOV);
    assertThat(ulaw.windowsAtOrAbove(-40)).isZero();
    // A-law has no zero code: its quietest is ±8, -72 dBov, far below speech.
    assertThat(alaw.loudestDbov()).isLessThan(-70);
    assertThat(alaw.windowsAtOrAbove(-40)).isZero();
    assertThat(alaw.windowsAtOrAbove(LevelMeter.SILENCE_DBOV)).isEqualTo(10);
  }

  @Test
  void toneThenSilenceCountsOnlyTheLoudWindowsAndEndsAtTheFloor() {
    LevelMeter meter = new LevelMeter();
    for (byte[] frame : sine(440, 8000, false)) {
      meter.addRtp(PCMU, frame);
    }
    for (byte[] frame : silence((byte) 0xff)) {
      meter.addRtp(PCMU, frame);
    }

    assertThat(meter.windows()).isEqualTo(20);
    assertThat(meter.windowsAtOrAbove(-40)).isEqualTo(10);
    assertThat(meter.lastDbov()).isEqualTo(LevelMeter.SILENCE_DBOV);
    assertThat(meter.summary(-40))
        .isEqualTo("20 windows of 800 samples, loudest -15.3 dBov, 10 at or above -40 dBov");
  }

  @Test
  void telephoneEventsAndOtherPayloadsAreNotAudio() {
    LevelMeter meter = new LevelMeter(160);

    assertThat(meter.addRtp(TELEPHONE_EVENT, new byte[] {1, (byte) 0x8a, 0x03, 0x20})).isFalse();
    assertThat(meter.addRtp(18, new byte[20])).isFalse();
    assertThat(meter.samples()).isZero();
    assertThat(meter.windows()).isZero();
    assertThat(meter.loudestDbov()).isEqualTo(LevelMeter.SILENCE_DBOV);
  }

  @Test
  void linearSamplesAreMeasuredToo() {
    short[] square = new short[1600];
    for (int i = 0; i < square.length; i++) {
      square[i] = (short) ((i / 10) % 2 == 0 ? 16384 : -16384);
    }
    LevelMeter meter = new LevelMeter();
    meter.addLinear(square, 0, square.length);

    // A square wave of half full scale: -6.0 dBov.
    assertThat(meter.windows()).isEqualTo(2);
    assertThat(meter.loudestDbov()).isCloseTo(-6.02, within(0.01));
  }

  @Test
  void aWindowMustHoldSamples() {
    assertThatThrownBy(() -> new LevelMeter(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anRtpStreamMeasuresTheAudioItReceives() throws Exception {
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
    MediaClock clock = new MediaClock(scheduler);
    try (RtpStream speaker = RtpStream.open("127.0.0.1", clock);
        RtpStream listener = RtpStream.open("127.0.0.1", clock)) {
      speaker.sendTo(new InetSocketAddress("127.0.0.1", listener.localPort()));

      // 5 windows of 100 ms: the default 440 Hz tone of peak 8000.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> listener.receivedLevel().windowsAtOrAbove(-16) >= 5);
      assertThat(listener.receivedLevel().loudestDbov()).isCloseTo(-15.3, within(0.3));
      assertThat(speaker.receivedLevel().windows()).isZero();
    } finally {
      clock.close();
      scheduler.shutdownNow();
    }
  }
}
