package io.baton.contract;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code referSigning:} block of the transfer server, the proxy and SBC-edge (docs/security.md,
 * "Signed REFERs"):
 *
 * <pre>
 * referSigning:
 *   keys: [{id: k1, secret: env:BATON_REFER_KEY_K1}]
 *   signWith: k1
 *   window: 30s
 *   maxNonces: 100000
 * </pre>
 *
 * With keys the transfer server signs every REFER and the proxy and SBC-edge refuse (403) every
 * REFER without a valid signature; without keys nothing is signed and REFERs are believed by their
 * source address alone (the trust policy). Problems name the key relative to the element's block
 * ({@code referSigning.signWith}); the configuration loader puts the block's path in front.
 *
 * @param keys the keys a verifier accepts; each secret a {@link SecretRef} ({@code env:NAME},
 *     {@code file:PATH} or the value) of at least {@value ReferKeys#MIN_SECRET_BYTES} bytes;
 *     default none
 * @param signWith the id of the key the transfer server signs with; default the first of {@code
 *     keys}
 * @param window how far a signature's time may be from the verifier's clock, either way (default
 *     30s, 1s..5m): also how long a signed REFER can be replayed if its nonce were forgotten
 * @param maxNonces how many nonces of valid signatures a verifier remembers, to refuse replays
 *     (default 100000, also when 0; about 100 bytes each): more REFERs than this in one window are
 *     refused
 */
public record ReferSigningConfig(List<Key> keys, String signWith, Duration window, int maxNonces) {
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_NONCES = 100_000;
  private static final Duration MAX_WINDOW = Duration.ofMinutes(5);

  /**
   * One key.
   *
   * @param id what signatures name it by: 1 to 32 letters, digits, {@code _} or {@code -}
   * @param secret a {@link SecretRef}, read when the element starts
   */
  public record Key(String id, String secret) {
    @Override
    public String toString() {
      return "Key[id=" + id + ", secret=" + SecretRef.redacted(secret) + "]";
    }
  }

  public ReferSigningConfig {
    keys = keys == null ? List.of() : List.copyOf(keys);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      Key key = keys.get(i);
      String at = "referSigning.keys[" + i + "]";
      if (key == null || key.id() == null || !ReferSignature.KEY_ID.matcher(key.id()).matches()) {
        throw new IllegalArgumentException(
            at
                + ".id: "
                + (key == null ? "missing" : "'" + key.id() + "'")
                + " is not 1 to 32 letters, digits, _ or -");
      }
      if (!ids.add(key.id())) {
        throw new IllegalArgumentException(at + ".id: '" + key.id() + "' is listed twice");
      }
      SecretRef.check(at + ".secret", key.secret());
      if (!SecretRef.isIndirect(key.secret())) {
        read(at + ".secret", key.secret()); // a value given as is is checked now
      }
    }
    signWith = signWith == null || signWith.isEmpty() ? null : signWith;
    if (signWith != null && !ids.contains(signWith)) {
      throw new IllegalArgumentException(
          "referSigning.signWith: '" + signWith + "' is not the id of one of referSigning.keys");
    }
    if (signWith == null && !keys.isEmpty()) {
      signWith = keys.get(0).id();
    }
    window = window == null ? DEFAULT_WINDOW : window;
    if (window.toSeconds() < 1 || window.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException(
          "referSigning.window: " + window + " is not in 1s.." + MAX_WINDOW);
    }
    maxNonces = maxNonces == 0 ? DEFAULT_MAX_NONCES : maxNonces;
    if (maxNonces < 1) {
      throw new IllegalArgumentException(
          "referSigning.maxNonces: " + maxNonces + " is not positive");
    }
  }

  /** No keys: REFERs are neither signed nor checked. */
  public static ReferSigningConfig off() {
    return new ReferSigningConfig(null, null, null, 0);
  }

  /** Whether REFERs are signed and checked. */
  public boolean enabled() {
    return !keys.isEmpty();
  }

  /**
   * Reads every secret and makes the key ring; empty without keys.
   *
   * @param block the element's block, e.g. {@code proxy.referSigning}, named in problems
   * @throws IllegalArgumentException naming the key whose secret cannot be read or is too short
   */
  public Optional<ReferKeys> keyRing(String block) {
    if (!enabled()) {
      return Optional.empty();
    }
    Map<String, byte[]> secrets = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      secrets.put(keys.get(i).id(), read(block + ".keys[" + i + "].secret", keys.get(i).secret()));
    }
    return Optional.of(new ReferKeys(secrets, signWith));
  }

  /** The verifier of an element's incoming REFERs; empty without keys. */
  public Optional<ReferVerifier> verifier(String block, Clock clock) {
    return keyRing(block).map(ring -> new ReferVerifier(ring, window, maxNonces, clock));
  }

  private static byte[] read(String key, String ref) {
    byte[] bytes = SecretRef.resolve(key, ref);
    if (bytes.length < ReferKeys.MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          key
              + ": "
              + bytes.length
              + " bytes, at least "
              + ReferKeys.MIN_SECRET_BYTES
              + " needed (e.g. openssl rand -base64 48)");
    }
    return bytes;
  }
}
