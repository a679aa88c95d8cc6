package io.baton.media;

import java.util.function.Consumer;

/**
 * Turns received RFC 4733 telephone-event packets into digits, each reported once: the packets of
 * one event share its start timestamp (§2.5.1.2), so a digit is reported at the first packet with
 * the end bit, and its retransmissions (§2.5.1.4) are ignored. When the end packets of an event are
 * all lost, the digit is reported when the next event (another timestamp) begins (§2.6.1's advice
 * not to lose a digit whose end went missing). Not thread-safe: one receiving thread.
 */
public final class DtmfReceiver {
  private final Consumer<Character> digits;
  private long current = -1; // timestamp of the event in progress
  private char currentDigit;
  private boolean reported;

  /**
   * @param digits told each digit once, as {@code 0-9 * # A-D}
   */
  public DtmfReceiver(Consumer<Character> digits) {
    this.digits = digits;
  }

  /**
   * Takes the payload of one telephone-event packet and its RTP timestamp.
   *
   * @throws IllegalArgumentException if the payload is not a telephone-event
   */
  public void receive(long timestamp, byte[] payload) {
    TelephoneEvent event = TelephoneEvent.parse(payload);
    if (timestamp != current) {
      if (current >= 0 && !reported) {
        report(); // the previous event's end never arrived
      }
      current = timestamp;
      currentDigit = event.digit();
      reported = false;
    }
    if (event.end() && !reported) {
      report();
    }
  }

  private void report() {
    reported = true;
    if (currentDigit != 0) {
      digits.accept(currentDigit);
    }
  }
}
