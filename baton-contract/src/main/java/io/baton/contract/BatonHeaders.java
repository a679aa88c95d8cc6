package io.baton.contract;

/**
 * The names of Baton's own SIP headers, each defined here once (docs/architecture.md, "Wire
 * contract"). They travel only between Baton's elements: an element believes them from trusted
 * peers only and strips every one of them towards anyone else. Header names are case-insensitive
 * (RFC 3261 §7.3.1); these are the spellings Baton writes.
 */
public final class BatonHeaders {
  /** What every Baton header name starts with. */
  public static final String PREFIX = "X-Baton-";

  /** The Baton call id ({@code c-<16 hex>}) on each leg, the redirect query and the REFER. */
  public static final String CALL_ID = "X-Baton-Call-Id";

  /**
   * The redirect query of a call setup: a {@link CallOrigin}; absent means {@link
   * CallOrigin#DEFAULT}.
   */
  public static final String ORIGIN = "X-Baton-Origin";

  /** REFER: the transfer's id ({@code t-<16 hex>}). */
  public static final String TRANSFER_ID = "X-Baton-Transfer-Id";

  /** REFER: a {@link TransferMode}; absent means {@link TransferMode#DEFAULT}. */
  public static final String TRANSFER_MODE = "X-Baton-Transfer-Mode";

  /** REFER: the first target's ring time, a {@link PositiveNumber} of seconds. */
  public static final String TRANSFER_TIMEOUT = "X-Baton-Transfer-Timeout";

  /** REFER: the targets after the first, a {@link FallbackTarget} list. */
  public static final String TRANSFER_FALLBACK = "X-Baton-Transfer-Fallback";

  /** REFER: an {@link OnFail}; absent means {@link OnFail#DEFAULT}. */
  public static final String ON_FAIL = "X-Baton-On-Fail";

  /** REFER, once per header: a {@link PassHeader} the new destination receives. */
  public static final String PASS = "X-Baton-Pass";

  /** NOTIFY: the 1-based target it reports on, a {@link PositiveNumber}. */
  public static final String TRANSFER_ATTEMPT = "X-Baton-Transfer-Attempt";

  /** The final NOTIFY: a {@link TransferOutcome}. */
  public static final String TRANSFER_OUTCOME = "X-Baton-Transfer-Outcome";

  /**
   * REFER, then SBC-edge's query to the redirect server for a transfer's number: the highest rate
   * per minute a carrier route may cost, a {@link MaxRate}; absent means no ceiling.
   */
  public static final String MAX_RATE = "X-Baton-Max-Rate";

  /**
   * REFER: the transfer server's {@link ReferSignature}; the proxy relays it unchanged in its
   * in-dialog REFER so SBC-edge verifies it too (docs/security.md, "Signed REFERs").
   */
  public static final String SIGNATURE = "X-Baton-Signature";

  private BatonHeaders() {}

  /** True for a Baton header name, in any case. */
  public static boolean isBaton(String name) {
    return name.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }
}
