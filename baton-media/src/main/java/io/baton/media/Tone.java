package io.baton.media;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A sine tone as 20 ms µ-law frames at 8 kHz (160 samples, RFC 3551 §4.5.14). */
public final class Tone {
  public static final int SAMPLE_RATE = 8000;
  public static final int FRAME_SAMPLES = 160;

  private static final Map<String, byte[]> SECONDS = new ConcurrentHashMap<>();

  private final double hz;
  private final double amplitude;
  private final byte[] second;
  private long sampleIndex;

  /**
   * @param hz frequency
   * @param amplitude peak, 0..32767
   */
  public Tone(double hz, double amplitude) {
    this.hz = hz;
    this.amplitude = amplitude;
    // A whole number of hertz repeats every second exactly: encode that second once, share it.
    this.second =
        hz == Math.rint(hz)
            ? SECONDS.computeIfAbsent(hz + "/" + amplitude, k -> samples(0, SAMPLE_RATE))
            : null;
  }

  /** The next 20 ms of the tone. */
  public synchronized byte[] nextFrame() {
    byte[] frame;
    if (second != null) {
      int from = (int) (sampleIndex % SAMPLE_RATE); // SAMPLE_RATE is a multiple of FRAME_SAMPLES
      frame = java.util.Arrays.copyOfRange(second, from, from + FRAME_SAMPLES);
    } else {
      frame = samples(sampleIndex, FRAME_SAMPLES);
    }
    sampleIndex += FRAME_SAMPLES;
    return frame;
  }

  private byte[] samples(long first, int count) {
    byte[] out = new byte[count];
    for (int i = 0; i < count; i++) {
      double v = amplitude * Math.sin(2 * Math.PI * hz * (first + i) / SAMPLE_RATE);
      out[i] = G711.linearToUlaw((int) Math.round(v));
    }
    return out;
  }
}
