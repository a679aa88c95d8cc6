package io.baton.media;

/** G.711 µ-law and A-law companding (ITU-T G.711), for tones and level checks. */
public final class G711 {
  private static final int BIAS = 0x84;
  private static final int CLIP = 32635;

  /** µ-law byte → A-law byte, and back (through the 14/13-bit linear value). */
  private static final byte[] ULAW_TO_ALAW = new byte[256];

  private static final byte[] ALAW_TO_ULAW = new byte[256];

  static {
    for (int i = 0; i < 256; i++) {
      ULAW_TO_ALAW[i] = linearToAlaw(ulawToLinear((byte) i));
      ALAW_TO_ULAW[i] = linearToUlaw(alawToLinear((byte) i));
    }
  }

  private G711() {}

  /** µ-law samples as A-law (G.711 Table 3, through linear). */
  public static byte[] ulawToAlaw(byte[] ulaw) {
    byte[] out = new byte[ulaw.length];
    for (int i = 0; i < ulaw.length; i++) {
      out[i] = ULAW_TO_ALAW[ulaw[i] & 0xff];
    }
    return out;
  }

  /** A-law samples as µ-law. */
  public static byte[] alawToUlaw(byte[] alaw) {
    byte[] out = new byte[alaw.length];
    for (int i = 0; i < alaw.length; i++) {
      out[i] = ALAW_TO_ULAW[alaw[i] & 0xff];
    }
    return out;
  }

  public static byte linearToUlaw(int sample) {
    int sign = (sample >> 8) & 0x80;
    if (sign != 0) {
      sample = -sample;
    }
    if (sample > CLIP) {
      sample = CLIP;
    }
    sample += BIAS;
    int exponent = 7;
    for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) {
      exponent--;
    }
    int mantissa = (sample >> (exponent + 3)) & 0x0f;
    return (byte) ~(sign | (exponent << 4) | mantissa);
  }

  public static int ulawToLinear(byte encoded) {
    int u = ~encoded & 0xff;
    int sign = u & 0x80;
    int exponent = (u >> 4) & 0x07;
    int mantissa = u & 0x0f;
    int sample = ((mantissa << 3) + BIAS) << exponent;
    sample -= BIAS;
    return sign != 0 ? -sample : sample;
  }

  public static byte linearToAlaw(int sample) {
    int sign = sample >= 0 ? 0x80 : 0;
    if (sign == 0) {
      sample = -sample;
    }
    if (sample > CLIP) {
      sample = CLIP;
    }
    int exponent;
    int mantissa;
    if (sample >= 256) {
      exponent = 7;
      for (int mask = 0x4000; (sample & mask) == 0 && exponent > 1; mask >>= 1) {
        exponent--;
      }
      mantissa = (sample >> (exponent + 3)) & 0x0f;
    } else {
      exponent = 0;
      mantissa = sample >> 4;
    }
    return (byte) ((sign | (exponent << 4) | mantissa) ^ 0x55);
  }

  public static int alawToLinear(byte encoded) {
    int a = (encoded ^ 0x55) & 0xff;
    int sign = a & 0x80;
    int exponent = (a >> 4) & 0x07;
    int mantissa = a & 0x0f;
    int sample = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
    return sign != 0 ? sample : -sample;
  }

  /** Root-mean-square level of µ-law samples, 0 (silence) to about 32767. */
  public static double ulawRms(byte[] samples) {
    if (samples.length == 0) {
      return 0;
    }
    double sum = 0;
    for (byte s : samples) {
      int v = ulawToLinear(s);
      sum += (double) v * v;
    }
    return Math.sqrt(sum / samples.length);
  }
}
