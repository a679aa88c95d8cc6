package io.baton.sip;

/** Sees every SIP message an element sends or receives (for ladders and capture export). */
@FunctionalInterface
public interface SipTraceListener {
  void onMessage(
      String element, String text, String from, String to, boolean sent, long timeMillis);
}
