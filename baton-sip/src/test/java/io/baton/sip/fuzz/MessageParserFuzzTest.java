package io.baton.sip.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import io.baton.sip.internal.CheckedMessageParser;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import javax.sip.message.Response;

/**
 * Any bytes, as a datagram or as one message framed off a stream, through the parser every Baton
 * stack reads with: it answers with a message, null, or a ParseException, never anything else (on a
 * stream any other exception would end the connection's parser thread), and a request it passes on
 * can always be answered, as the valve does.
 */
class MessageParserFuzzTest {
  static {
    // What a stack sets up first (STACK_LOGGER); the parser logs through it.
    gov.nist.core.CommonLogger.legacyLogger = new io.baton.sip.internal.Slf4jStackLogger();
  }

  @FuzzTest(maxDuration = "15s")
  void parse(byte[] input) {
    CheckedMessageParser parser = new CheckedMessageParser(256);
    for (boolean datagram : new boolean[] {true, false}) {
      SIPMessage message;
      try {
        message = parser.parseSIPMessage(input, datagram, false, null);
      } catch (ParseException e) {
        continue;
      }
      // The valve answers what the parser marked malformed; the rest goes to the stack.
      if (message instanceof SIPRequest request && request.getApplicationData() != null) {
        SIPMessage answer = request.createResponse(Response.BAD_REQUEST);
        assertThat(new String(answer.encodeAsBytes("UDP"), StandardCharsets.UTF_8))
            .startsWith("SIP/2.0 400");
      }
    }
  }
}
