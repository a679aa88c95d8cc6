package io.baton.sip.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place every SIP message on the wire passes when tracing is on: logged at DEBUG to {@code
 * baton.sip.trace} ({@code -Dbaton.sip.trace=DEBUG} with the app's logging).
 */
final class SipTracing {
  private static final Logger TRACE = LoggerFactory.getLogger("baton.sip.trace");

  private SipTracing() {}

  static boolean enabled() {
    return TRACE.isDebugEnabled();
  }

  static void record(String stack, String text, String from, String to, boolean sent) {
    if (TRACE.isDebugEnabled()) {
      TRACE.debug("[{}] {} {} -> {}\n{}", stack, sent ? "sent" : "received", from, to, text);
    }
  }
}
