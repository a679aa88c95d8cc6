package io.baton.media;

/**
 * The level of a stream of audio, measured over consecutive windows of samples, so a test can tell
 * speech or a tone from silence ("the caller's audio reached the second destination with energy")
 * rather than count packets. Levels are in dBov (ITU-T G.100.1): decibels relative to the overload
 * point of 16-bit linear PCM, so a full-scale square wave is 0 dBov, a full-scale sine -3 dBov, and
 * digital silence is floored at {@link #SILENCE_DBOV} (RFC 6464 §3's range).
 *
 * <p>Fed with G.711 RTP payloads ({@link #addRtp}: µ-law and A-law are decoded, any other payload
 * type, e.g. an RFC 4733 telephone-event, is not audio and is skipped) or with linear samples
 * ({@link #addLinear}, e.g. read from a WAV file). Thread-safe; keeps a fixed-size histogram of the
 * windows' levels, so it can run for a whole call.
 */
public final class LevelMeter {
  /** The floor: the level of digital silence. */
  public static final int SILENCE_DBOV = -127;

  /** A tenth of a second at 8 kHz: long enough for a level, short enough to see a pause. */
  public static final int DEFAULT_WINDOW_SAMPLES = 800;

  // RFC 3551 §6: the static payload types of G.711.
  private static final int PCMU = 0;
  private static final int PCMA = 8;

  /** The overload point of 16-bit linear PCM: a full-scale square wave's RMS. */
  private static final double OVERLOAD = 32768;

  private final int windowSamples;
  // windowsByLevel[i]: windows whose level, rounded up to the whole dB, is -i dBov.
  private final long[] windowsByLevel = new long[-SILENCE_DBOV + 1];
  private double sumOfSquares;
  private int inWindow;
  private long samples;
  private long windows;
  private double loudest = SILENCE_DBOV;
  private double last = SILENCE_DBOV;

  /** A meter over windows of {@link #DEFAULT_WINDOW_SAMPLES}. */
  public LevelMeter() {
    this(DEFAULT_WINDOW_SAMPLES);
  }

  /**
   * @param windowSamples samples per window (e.g. 160 for 20 ms at 8 kHz)
   */
  public LevelMeter(int windowSamples) {
    if (windowSamples <= 0) {
      throw new IllegalArgumentException("window of " + windowSamples + " samples");
    }
    this.windowSamples = windowSamples;
  }

  /**
   * Measures an RTP payload of {@code payloadType}: PCMU (0) and PCMA (8) are decoded and measured.
   *
   * @return false (and nothing measured) for any other payload type
   */
  public synchronized boolean addRtp(int payloadType, byte[] payload) {
    switch (payloadType) {
      case PCMU -> {
        for (byte b : payload) {
          add(G711.ulawToLinear(b));
        }
        return true;
      }
      case PCMA -> {
        for (byte b : payload) {
          add(G711.alawToLinear(b));
        }
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /** Measures linear 16-bit samples. */
  public synchronized void addLinear(short[] linear, int from, int to) {
    for (int i = from; i < to; i++) {
      add(linear[i]);
    }
  }

  private void add(int sample) {
    sumOfSquares += (double) sample * sample;
    samples++;
    if (++inWindow == windowSamples) {
      double level = dbov(Math.sqrt(sumOfSquares / windowSamples));
      windows++;
      windowsByLevel[(int) Math.ceil(-level)]++;
      loudest = Math.max(loudest, level);
      last = level;
      sumOfSquares = 0;
      inWindow = 0;
    }
  }

  /** The level, in dBov, of a root-mean-square amplitude of 16-bit samples. */
  public static double dbov(double rms) {
    if (rms <= 0) {
      return SILENCE_DBOV;
    }
    return Math.max(SILENCE_DBOV, Math.min(0, 20 * Math.log10(rms / OVERLOAD)));
  }

  /** Samples measured (a window still filling included). */
  public synchronized long samples() {
    return samples;
  }

  /** Complete windows measured. */
  public synchronized long windows() {
    return windows;
  }

  /** Complete windows whose level is at least {@code dbov} (compared to the whole dB). */
  public synchronized long windowsAtOrAbove(int dbov) {
    long n = 0;
    for (int i = 0; i <= Math.min(-dbov, -SILENCE_DBOV); i++) {
      n += windowsByLevel[i];
    }
    return n;
  }

  /** The level of the loudest complete window; {@link #SILENCE_DBOV} if none. */
  public synchronized double loudestDbov() {
    return loudest;
  }

  /** The level of the latest complete window; {@link #SILENCE_DBOV} if none. */
  public synchronized double lastDbov() {
    return last;
  }

  /** E.g. {@code "50 windows of 800 samples, loudest -15.1 dBov, 48 at or above -40 dBov"}. */
  public synchronized String summary(int activeDbov) {
    return String.format(
        java.util.Locale.ROOT,
        "%d windows of %d samples, loudest %.1f dBov, %d at or above %d dBov",
        windows,
        windowSamples,
        loudest,
        windowsAtOrAbove(activeDbov),
        activeDbov);
  }

  @Override
  public String toString() {
    return summary(-40);
  }
}
