package io.baton.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class AudioClipTest {
  private static final byte[] TONE = new byte[400]; // 50 ms: two whole frames and a partial one

  static {
    Tone tone = new Tone(1000, 8000);
    for (int i = 0; i < TONE.length; i += 160) {
      byte[] f = tone.nextFrame();
      System.arraycopy(f, 0, TONE, i, Math.min(160, TONE.length - i));
    }
  }

  @Test
  void playsOnceInFramesPadsTheLastAndTellsTheEndOnce() {
    AudioClip clip = AudioClip.ulaw("beep", TONE);
    assertThat(clip.length()).isEqualTo(Duration.ofMillis(50));
    AtomicInteger ends = new AtomicInteger();
    Supplier<byte[]> frames = clip.once(ends::incrementAndGet);

    assertThat(G711.ulawRms(frames.get())).isGreaterThan(1000);
    assertThat(frames.get()).hasSize(160);
    byte[] last = frames.get();
    assertThat(last[79]).isEqualTo(TONE[399]);
    assertThat(last[80]).isEqualTo((byte) 0xff);
    assertThat(ends).hasValue(0);
    assertThat(G711.ulawRms(frames.get())).isZero();
    frames.get();
    assertThat(ends).hasValue(1);
  }

  @Test
  void loopsForever() {
    Supplier<byte[]> frames = AudioClip.ulaw("beep", TONE).looped();
    for (int i = 0; i < 3; i++) {
      frames.get();
    }
    assertThat(frames.get()).isEqualTo(java.util.Arrays.copyOf(TONE, 160));
  }

  @Test
  void missingOrEmptyClipsAreRefused() {
    assertThatThrownBy(() -> AudioClip.resource("x", "/prompts/none.ul"))
        .hasMessageContaining("/prompts/none.ul");
    assertThatThrownBy(() -> AudioClip.ulaw("x", new byte[0])).hasMessageContaining("empty");
  }
}
