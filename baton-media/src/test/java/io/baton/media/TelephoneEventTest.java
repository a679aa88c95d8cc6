package io.baton.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4733 telephone-event payloads and the digits a receiver makes of them. */
class TelephoneEventTest {

  @Test
  void encodesTheFieldsOfRfc4733Section23() {
    // Digit 5, end bit, volume 10, duration 800 (100 ms at 8 kHz).
    assertThat(new TelephoneEvent(5, true, 10, 800).encode())
        .containsExactly(0x05, 0x8a, 0x03, 0x20);
    assertThat(new TelephoneEvent(11, false, 63, 0xffff).encode())
        .containsExactly(0x0b, 0x3f, 0xff, 0xff);
  }

  @Test
  void parsesWhatItEncodesAndIgnoresTheReservedBit() {
    TelephoneEvent e = new TelephoneEvent(10, true, 7, 1234);
    assertThat(TelephoneEvent.parse(e.encode())).isEqualTo(e);
    // R bit (0x40) set by a sloppy sender: ignored (§2.3).
    assertThat(TelephoneEvent.parse(new byte[] {1, (byte) 0xca, 0, (byte) 160}))
        .isEqualTo(new TelephoneEvent(1, true, 10, 160));
    assertThatThrownBy(() -> TelephoneEvent.parse(new byte[] {1, 2, 3}))
        .hasMessageContaining("3 bytes");
  }

  @Test
  void mapsTheSixteenDtmfEventsOfSection32() {
    String digits = "0123456789*#ABCD";
    for (int i = 0; i < digits.length(); i++) {
      assertThat(TelephoneEvent.eventOf(digits.charAt(i))).isEqualTo(i);
      assertThat(new TelephoneEvent(i, false, 0, 0).digit()).isEqualTo(digits.charAt(i));
    }
    assertThat(TelephoneEvent.eventOf('a')).isEqualTo(12);
    assertThat(new TelephoneEvent(32, false, 0, 0).digit()).isEqualTo((char) 0); // a tone event
    assertThatThrownBy(() -> TelephoneEvent.eventOf('x')).hasMessageContaining("'x'");
    assertThatThrownBy(() -> new TelephoneEvent(1, false, 64, 0)).hasMessageContaining("volume");
  }

  @Test
  void aDigitIsGrowingDurationsThenThreeEndPackets() {
    List<TelephoneEvent> packets = TelephoneEvent.packetsFor('7', 800, 160, 10);
    assertThat(packets)
        .extracting(TelephoneEvent::duration)
        .containsExactly(160, 320, 480, 640, 800, 800, 800);
    assertThat(packets)
        .extracting(TelephoneEvent::end)
        .containsExactly(false, false, false, false, true, true, true);
    assertThat(packets).allMatch(p -> p.event() == 7 && p.volume() == 10);
    assertThatThrownBy(() -> TelephoneEvent.packetsFor('1', 100, 160, 10))
        .hasMessageContaining("100");
  }

  @Test
  void theReceiverReportsEachDigitOnceDespiteRedundantEndPackets() {
    List<Character> got = new ArrayList<>();
    DtmfReceiver receiver = new DtmfReceiver(got::add);
    feed(receiver, 1000, TelephoneEvent.packetsFor('1', 800, 160, 10));
    feed(receiver, 1800, TelephoneEvent.packetsFor('#', 800, 160, 10));
    // The same digit again is a new event: a new start timestamp.
    feed(receiver, 2600, TelephoneEvent.packetsFor('#', 800, 160, 10));
    assertThat(got).containsExactly('1', '#', '#');
  }

  @Test
  void aDigitWhoseEndPacketsWereLostIsReportedWhenTheNextEventBegins() {
    List<Character> got = new ArrayList<>();
    DtmfReceiver receiver = new DtmfReceiver(got::add);
    List<TelephoneEvent> two = TelephoneEvent.packetsFor('2', 800, 160, 10);
    feed(receiver, 5000, two.subList(0, 4)); // every end packet lost
    assertThat(got).isEmpty();
    feed(receiver, 6000, TelephoneEvent.packetsFor('3', 800, 160, 10).subList(0, 1));
    assertThat(got).containsExactly('2');
    feed(receiver, 6000, TelephoneEvent.packetsFor('3', 800, 160, 10));
    assertThat(got).containsExactly('2', '3');
  }

  @Test
  void nonDtmfEventsAreNotDigits() {
    List<Character> got = new ArrayList<>();
    DtmfReceiver receiver = new DtmfReceiver(got::add);
    receiver.receive(100, new TelephoneEvent(32, true, 10, 800).encode()); // answer tone
    assertThat(got).isEmpty();
    assertThatThrownBy(() -> receiver.receive(200, new byte[2]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void feed(DtmfReceiver receiver, long timestamp, List<TelephoneEvent> packets) {
    for (TelephoneEvent p : packets) {
      receiver.receive(timestamp, p.encode());
    }
  }
}
