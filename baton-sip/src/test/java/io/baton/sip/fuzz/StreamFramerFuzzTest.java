package io.baton.sip.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.baton.sip.internal.StreamFramer;
import java.io.ByteArrayOutputStream;

/**
 * Any stream, cut into any reads, through the TCP framer: it hands on a prefix of what it was fed
 * (never more, never changed), or says the limit was broken; it never throws anything else and
 * never holds more than the limit of one message.
 */
class StreamFramerFuzzTest {
  private static final int LIMIT = 4096;

  @FuzzTest(maxDuration = "15s")
  void frame(FuzzedDataProvider data) {
    StreamFramer framer = new StreamFramer(LIMIT);
    ByteArrayOutputStream fed = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] taken = new byte[512];
    while (data.remainingBytes() > 0) {
      byte[] read = data.consumeBytes(data.consumeInt(1, 2048));
      fed.writeBytes(read);
      try {
        framer.feed(read, 0, read.length);
      } catch (StreamFramer.Violation v) {
        return; // the connection is closed: nothing more is read
      }
      for (int n = framer.take(taken, 0, taken.length); n > 0; n = framer.take(taken, 0, 512)) {
        out.write(taken, 0, n);
      }
      byte[] all = fed.toByteArray();
      byte[] handed = out.toByteArray();
      assertThat(handed.length).isLessThanOrEqualTo(all.length);
      assertThat(all.length - handed.length).as("held back").isLessThanOrEqualTo(LIMIT);
      for (int i = 0; i < handed.length; i++) {
        assertThat(handed[i]).isEqualTo(all[i]);
      }
    }
  }
}
