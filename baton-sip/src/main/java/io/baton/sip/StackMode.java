package io.baton.sip;

/** How the JAIN-SIP stack under an endpoint keeps dialog state. */
public enum StackMode {
  /** A user agent: the stack builds dialogs for INVITE and REFER/NOTIFY. */
  USER_AGENT,
  /** A back-to-back user agent: dialogs on both sides, dialog errors left to the application. */
  B2BUA,
  /**
   * Transactions only, no dialogs in the stack: redirect servers and out-of-dialog requesters that
   * match their own NOTIFYs (jain-sip notes: a stateful proxy should work with transactions only).
   */
  TRANSACTIONS_ONLY,
  /**
   * A stateful proxy: transactions only, and a request of a method it does not know is forwarded
   * (RFC 3261 §16.6), not answered {@code 501} as every other element does (§8.2.1).
   */
  PROXY
}
