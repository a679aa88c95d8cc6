package io.baton.contract;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Decides whether a REFER's {@code X-Baton-Signature} lets it move a call (docs/security.md,
 * "Signed REFERs"): well formed, made with a key of the ring over this REFER's {@link
 * ReferSignature.Fields}, signed within {@code window} of now either way (clocks drift), and never
 * seen before.
 *
 * <p>Replays: each accepted nonce is remembered until its signature expires ({@code ts + window}),
 * after which the window refuses it anyway. At most {@code maxNonces} are remembered; only valid
 * signatures are, so only a key holder can fill the cache, and when it is full new signatures are
 * refused ({@link Verdict#BUSY}) rather than old nonces forgotten, which would let them be
 * replayed. {@code maxNonces} must therefore exceed the REFERs the transfer servers send in a
 * window.
 */
public final class ReferVerifier {

  /** What a verification found; only {@link #VALID} lets the REFER through. */
  public enum Verdict {
    VALID,
    MISSING,
    MALFORMED,
    UNKNOWN_KEY,
    BAD_MAC,
    EXPIRED,
    FUTURE,
    REPLAYED,
    BUSY
  }

  private final ReferKeys keys;
  private final long windowSeconds;
  private final int maxNonces;
  private final Clock clock;
  private final Map<String, Long> nonces = new HashMap<>();
  private final PriorityQueue<Remembered> byExpiry =
      new PriorityQueue<>((a, b) -> Long.compare(a.expires, b.expires));

  private record Remembered(String nonce, long expires) {}

  /**
   * @param window how far a signature's {@code ts} may be from now, in whole seconds (at least 1s)
   * @param maxNonces how many nonces are remembered at most
   */
  public ReferVerifier(ReferKeys keys, Duration window, int maxNonces, Clock clock) {
    if (window.toSeconds() < 1) {
      throw new IllegalArgumentException("window: " + window + " is under one second");
    }
    if (maxNonces < 1) {
      throw new IllegalArgumentException("maxNonces: " + maxNonces + " is not positive");
    }
    this.keys = keys;
    this.windowSeconds = window.toSeconds();
    this.maxNonces = maxNonces;
    this.clock = clock;
  }

  /**
   * Verifies {@code header} (the {@code X-Baton-Signature} value; null if absent) over {@code
   * fields}; a {@link Verdict#VALID} signature's nonce is remembered, so the same one is refused
   * the next time.
   */
  public Verdict verify(String header, ReferSignature.Fields fields) {
    if (header == null) {
      return Verdict.MISSING;
    }
    ReferSignature signature;
    try {
      signature = ReferSignature.parse(header);
    } catch (IllegalArgumentException e) {
      return Verdict.MALFORMED;
    }
    if (!keys.knows(signature.keyId())) {
      return Verdict.UNKNOWN_KEY;
    }
    if (!keys.matches(signature, fields)) {
      return Verdict.BAD_MAC;
    }
    long now = clock.instant().getEpochSecond();
    if (signature.timestamp() < now - windowSeconds) {
      return Verdict.EXPIRED;
    }
    if (signature.timestamp() > now + windowSeconds) {
      return Verdict.FUTURE;
    }
    return remember(signature, now);
  }

  /** Nonces remembered now (those of signatures not yet expired). */
  public synchronized int remembered() {
    forgetExpired(clock.instant().getEpochSecond());
    return nonces.size();
  }

  private synchronized Verdict remember(ReferSignature signature, long now) {
    forgetExpired(now);
    if (nonces.containsKey(signature.nonce())) {
      return Verdict.REPLAYED;
    }
    if (nonces.size() >= maxNonces) {
      return Verdict.BUSY;
    }
    long expires = signature.timestamp() + windowSeconds;
    nonces.put(signature.nonce(), expires);
    byExpiry.add(new Remembered(signature.nonce(), expires));
    return Verdict.VALID;
  }

  /** A nonce whose signature is past its window can only be refused as expired: forget it. */
  private void forgetExpired(long now) {
    while (!byExpiry.isEmpty() && byExpiry.peek().expires < now) {
      nonces.remove(byExpiry.poll().nonce());
    }
  }
}
