package io.baton.sip.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Stream framing on plain bytes: what is handed on, what is held back, what breaks the limit. */
class StreamFramerTest {
  private static final String OPTIONS =
      "OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n"
          + "CSeq: 1 OPTIONS\r\n";

  private final StreamFramer framer = new StreamFramer(4096);

  private void feed(String text) throws StreamFramer.Violation {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    framer.feed(bytes, 0, bytes.length);
  }

  private String taken() {
    byte[] out = new byte[framer.available()];
    int n = framer.take(out, 0, out.length);
    return new String(out, 0, n, StandardCharsets.ISO_8859_1);
  }

  @Test
  void aMessageIsHandedOnOnlyWhenItsBodyIsComplete() throws Exception {
    feed(OPTIONS + "Content-Length: 5\r\n\r\nab");
    assertThat(framer.available()).isZero();
    assertThat(framer.inMessage()).isTrue();
    feed("cde");
    assertThat(framer.inMessage()).isFalse();
    assertThat(taken()).isEqualTo(OPTIONS + "Content-Length: 5\r\n\r\nabcde");
  }

  @Test
  void keepAlivesPassAtOnceAndMessagesFollowEachOther() throws Exception {
    feed("\r\n\r\n" + OPTIONS + "l: 0\r\n\r\n" + OPTIONS + "Content-Length: 0\r\n\r\n" + "OPT");
    assertThat(taken())
        .isEqualTo("\r\n\r\n" + OPTIONS + "l: 0\r\n\r\n" + OPTIONS + "Content-Length: 0\r\n\r\n");
    assertThat(framer.inMessage()).isTrue();
  }

  @Test
  void theLastReadableContentLengthCountsAsTheStacksParserTakesIt() throws Exception {
    feed(OPTIONS + "Content-Length: 2\r\nContent-Length: -3\r\ncontent-length : 3\r\n\r\nxyz");
    assertThat(taken()).endsWith("\r\n\r\nxyz");
    feed(OPTIONS + "Content-Length: many\r\n\r\n");
    assertThat(framer.inMessage()).as("no readable length: no body").isFalse();
  }

  @Test
  void aReadOfOneByteAtATimeGivesTheSameMessage() throws Exception {
    String message = OPTIONS + "Content-Length: 3\r\n\r\nxyz";
    for (byte b : message.getBytes(StandardCharsets.ISO_8859_1)) {
      framer.feed(new byte[] {b}, 0, 1);
    }
    byte[] out = new byte[10];
    StringBuilder read = new StringBuilder();
    for (int n = framer.take(out, 0, 10); n > 0; n = framer.take(out, 0, 10)) {
      read.append(new String(out, 0, n, StandardCharsets.ISO_8859_1));
    }
    assertThat(read).hasToString(message);
  }

  @Test
  void headerFieldsPastTheLimitBreakItBeforeTheyEnd() {
    assertThatThrownBy(() -> feed(OPTIONS + "Subject: " + "a".repeat(5000)))
        .isInstanceOf(StreamFramer.Violation.class)
        .hasMessageContaining("header fields past 4096 bytes");
    assertThat(framer.available()).isZero();
  }

  @Test
  void aBodyPastTheLimitBreaksItAtTheEmptyLine() {
    assertThatThrownBy(() -> feed(OPTIONS + "Content-Length: 5000\r\n\r\n"))
        .isInstanceOf(StreamFramer.Violation.class)
        .hasMessageContaining("Content-Length");
    assertThatThrownBy(() -> feed(OPTIONS + "Content-Length: 00000000000000000001\r\n\r\n"))
        .isInstanceOf(StreamFramer.Violation.class);
  }
}
