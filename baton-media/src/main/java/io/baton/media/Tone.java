package io.baton.media;

/** A sine tone as 20 ms µ-law frames at 8 kHz (160 samples, RFC 3551 §4.5.14). */
public final class Tone {
  public static final int SAMPLE_RATE = 8000;
  public static final int FRAME_SAMPLES = 160;

  private final double hz;
  private final double amplitude;
  private long sampleIndex;

  /**
   * @param hz frequency
   * @param amplitude peak, 0..32767
   */
  public Tone(double hz, double amplitude) {
    this.hz = hz;
    this.amplitude = amplitude;
  }

  /** The next 20 ms of the tone. */
  public synchronized byte[] nextFrame() {
    byte[] frame = new byte[FRAME_SAMPLES];
    for (int i = 0; i < FRAME_SAMPLES; i++, sampleIndex++) {
      double v = amplitude * Math.sin(2 * Math.PI * hz * sampleIndex / SAMPLE_RATE);
      frame[i] = G711.linearToUlaw((int) Math.round(v));
    }
    return frame;
  }
}
