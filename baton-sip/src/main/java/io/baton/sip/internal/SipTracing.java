package io.baton.sip.internal;

import io.baton.sip.SipTraceListener;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place every SIP message on the wire passes when tracing is on: logged at DEBUG to {@code
 * baton.sip.trace} and handed to registered listeners (message ladders, HEP export).
 */
public final class SipTracing {
  private static final Logger TRACE = LoggerFactory.getLogger("baton.sip.trace");
  private static final CopyOnWriteArrayList<SipTraceListener> LISTENERS =
      new CopyOnWriteArrayList<>();

  private SipTracing() {}

  static boolean enabled() {
    return !LISTENERS.isEmpty() || TRACE.isDebugEnabled();
  }

  public static void addListener(SipTraceListener listener) {
    LISTENERS.add(listener);
  }

  public static void removeListener(SipTraceListener listener) {
    LISTENERS.remove(listener);
  }

  static void record(
      String stack, String text, String from, String to, boolean sent, long timeMillis) {
    if (TRACE.isDebugEnabled()) {
      TRACE.debug("[{}] {} {} -> {}\n{}", stack, sent ? "sent" : "received", from, to, text);
    }
    for (SipTraceListener listener : LISTENERS) {
      try {
        listener.onMessage(stack, text, from, to, sent, timeMillis);
      } catch (RuntimeException e) {
        TRACE.warn("trace listener failed", e);
      }
    }
  }
}
