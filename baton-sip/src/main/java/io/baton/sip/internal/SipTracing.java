package io.baton.sip.internal;

import io.baton.sip.SipCapture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place every SIP message on the wire passes when tracing is on: logged at DEBUG to {@code
 * baton.sip.trace} ({@code -Dbaton.sip.trace=DEBUG} with the app's logging) and captured for {@link
 * SipCapture}'s listeners.
 */
final class SipTracing {
  private static final Logger TRACE = LoggerFactory.getLogger("baton.sip.trace");

  private SipTracing() {}

  static boolean enabled() {
    return SipCapture.active() || TRACE.isDebugEnabled();
  }

  static boolean logging() {
    return TRACE.isDebugEnabled();
  }

  static void log(String stack, String text, String from, String to, boolean sent) {
    TRACE.debug("[{}] {} {} -> {}\n{}", stack, sent ? "sent" : "received", from, to, text);
  }
}
