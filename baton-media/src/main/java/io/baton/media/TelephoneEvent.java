package io.baton.media;

import java.util.ArrayList;
import java.util.List;

/**
 * One RFC 4733 telephone-event payload (§2.3): the event code, the end bit, the volume and the
 * duration so far in timestamp units. Every packet of one event carries the event's start timestamp
 * in its RTP header; the duration grows until the end bit is set.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param event 0-255; DTMF digits are 0-15 (§3.2)
 * @param end the E bit: this is (a retransmission of) the event's last packet
 * @param volume power level in -dBm0, 0-63
 * @param duration 0-65535 timestamp units (8 kHz: 8 per millisecond)
 */
public record TelephoneEvent(int event, boolean end, int volume, int duration) {
  public static final int SIZE = 4;

  /** Times the final packet is sent (RFC 4733 §2.5.1.4: three, against loss). */
  public static final int END_REPEATS = 3;

  /** RFC 4733 §3.2: events 0-9 are the digits, then *, #, A-D. */
  private static final String DIGITS = "0123456789*#ABCD";

  public TelephoneEvent {
    if (event < 0
        || event > 255
        || volume < 0
        || volume > 63
        || duration < 0
        || duration > 0xffff) {
      throw new IllegalArgumentException(
          "telephone-event out of range: event "
              + event
              + " volume "
              + volume
              + " duration "
              + duration);
    }
  }

  /** The event code of a DTMF digit ({@code 0-9 * # A-D}). */
  public static int eventOf(char digit) {
    int event = DIGITS.indexOf(Character.toUpperCase(digit));
    if (event < 0) {
      throw new IllegalArgumentException("'" + digit + "' is not a DTMF digit (0-9 * # A-D)");
    }
    return event;
  }

  /** True if {@code digit} is one of {@code 0-9 * # A-D}. */
  public static boolean isDigit(char digit) {
    return DIGITS.indexOf(Character.toUpperCase(digit)) >= 0;
  }

  /** The DTMF digit of this event; 0 (the NUL character) for a non-DTMF event such as a tone. */
  public char digit() {
    return event < DIGITS.length() ? DIGITS.charAt(event) : 0;
  }

  public byte[] encode() {
    return new byte[] {
      (byte) event, (byte) ((end ? 0x80 : 0) | volume), (byte) (duration >> 8), (byte) duration
    };
  }

  /**
   * @throws IllegalArgumentException if {@code payload} is shorter than 4 bytes
   */
  public static TelephoneEvent parse(byte[] payload) {
    if (payload.length < SIZE) {
      throw new IllegalArgumentException(
          "telephone-event payload of " + payload.length + " bytes, 4 needed");
    }
    // RFC 4733 §2.3: the R bit is reserved, sent 0 and ignored on receipt.
    return new TelephoneEvent(
        payload[0] & 0xff,
        (payload[1] & 0x80) != 0,
        payload[1] & 0x3f,
        ((payload[2] & 0xff) << 8) | (payload[3] & 0xff));
  }

  /**
   * The payloads that send {@code digit} for {@code durationUnits}, one per {@code frameUnits} (a
   * packet per 20 ms frame: 160 at 8 kHz): growing durations, then the final one with the end bit
   * {@link #END_REPEATS} times (RFC 4733 §2.5.1.2-§2.5.1.4).
   */
  public static List<TelephoneEvent> packetsFor(
      char digit, int durationUnits, int frameUnits, int volume) {
    if (frameUnits <= 0 || durationUnits < frameUnits || durationUnits > 0xffff) {
      throw new IllegalArgumentException(
          "digit duration " + durationUnits + " is not in " + frameUnits + "..65535 units");
    }
    int event = eventOf(digit);
    List<TelephoneEvent> out = new ArrayList<>();
    for (int d = frameUnits; d < durationUnits; d += frameUnits) {
      out.add(new TelephoneEvent(event, false, volume, d));
    }
    for (int i = 0; i < END_REPEATS; i++) {
      out.add(new TelephoneEvent(event, true, volume, durationUnits));
    }
    return out;
  }
}
