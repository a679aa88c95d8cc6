package io.baton.media;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A recorded sound (a prompt) as G.711 µ-law samples at 8 kHz, played as 20 ms RTP frames (RFC 3551
 * §4.5.14): once, telling the player when it is done, or in a loop.
 */
public final class AudioClip {
  private final String name;
  private final byte[] samples;

  private AudioClip(String name, byte[] samples) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("audio clip '" + name + "' is empty");
    }
    this.name = name;
    this.samples = samples;
  }

  /** A clip of raw µ-law samples, 8000 a second. */
  public static AudioClip ulaw(String name, byte[] samples) {
    return new AudioClip(name, samples.clone());
  }

  /**
   * A clip from a classpath resource of raw µ-law samples, e.g. {@code /prompts/menu.ul}.
   *
   * @throws IllegalArgumentException if there is no such resource, or it is empty
   */
  public static AudioClip resource(String name, String path) {
    try (InputStream in = AudioClip.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no audio clip " + path + " on the classpath");
      }
      return new AudioClip(name, in.readAllBytes());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read audio clip " + path + ": " + e, e);
    }
  }

  public String name() {
    return name;
  }

  public Duration length() {
    return Duration.ofMillis(samples.length * 1000L / Tone.SAMPLE_RATE);
  }

  /**
   * Frames that play the clip once, then silence; {@code onEnd} runs once, on the thread that takes
   * the first frame past the end.
   */
  public Supplier<byte[]> once(Runnable onEnd) {
    AtomicBoolean ended = new AtomicBoolean();
    int[] next = {0};
    return () -> {
      synchronized (next) {
        if (next[0] < samples.length) {
          byte[] frame = frameAt(next[0]);
          next[0] += Tone.FRAME_SAMPLES;
          return frame;
        }
      }
      if (ended.compareAndSet(false, true)) {
        onEnd.run();
      }
      return frameAt(samples.length);
    };
  }

  /** Frames that play the clip over and over. */
  public Supplier<byte[]> looped() {
    int[] next = {0};
    return () -> {
      synchronized (next) {
        byte[] frame = frameAt(next[0]);
        next[0] += Tone.FRAME_SAMPLES;
        if (next[0] >= samples.length) {
          next[0] = 0;
        }
        return frame;
      }
    };
  }

  /** 160 samples from {@code from}, padded with µ-law silence (0xFF) past the end. */
  private byte[] frameAt(int from) {
    byte[] frame = new byte[Tone.FRAME_SAMPLES];
    Arrays.fill(frame, (byte) 0xff);
    if (from < samples.length) {
      System.arraycopy(
          samples, from, frame, 0, Math.min(Tone.FRAME_SAMPLES, samples.length - from));
    }
    return frame;
  }
}
