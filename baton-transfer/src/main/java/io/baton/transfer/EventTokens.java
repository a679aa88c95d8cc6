package io.baton.transfer;

import io.baton.store.ExpiringMap;
import io.baton.store.Principal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived, single-use tokens that open {@code GET /v1/events} without an {@code Authorization}
 * header, for browsers: {@code EventSource} cannot send one. A token is obtained with the API key
 * ({@code POST /v1/event-tokens}) and sent as {@code ?access_token=} (RFC 6750 §2.3), where it may
 * end up in logs and browser history, hence one use: it names the principal, its expiry and a
 * random id, signed with HMAC-SHA256 under a key this server draws at start (a restart voids every
 * token), and the first stream it opens consumes it. An open stream goes on after it expires.
 * Unused tokens are remembered until they expire, at most {@value #OUTSTANDING} (the oldest unused
 * ones stop working first).
 */
final class EventTokens {
  static final Duration LIFETIME = Duration.ofSeconds(60);
  static final int OUTSTANDING = 10_000;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] key = new byte[32];
  private final Clock clock;
  private final ExpiringMap<String, Boolean> unused = new ExpiringMap<>(OUTSTANDING);

  EventTokens(Clock clock) {
    this.clock = clock;
    RANDOM.nextBytes(key);
  }

  /** A token and when it expires. */
  record Token(String token, Instant expiresAt) {}

  Token issue(Principal who) {
    Instant now = clock.instant();
    Instant expires = now.plus(LIFETIME);
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    String nonce = B64.encodeToString(id);
    String payload =
        (who.admin() ? "*" : who.tenantId()) + "|" + expires.getEpochSecond() + "|" + nonce;
    String encoded = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    unused.put(nonce, Boolean.TRUE, expires.plusSeconds(1), now);
    return new Token(encoded + "." + B64.encodeToString(sign(encoded)), expires);
  }

  /**
   * The principal a valid, unexpired, unused token speaks for; the token is used up by this call.
   */
  Optional<Principal> redeem(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return Optional.empty();
    }
    String encoded = token.substring(0, dot);
    byte[] given;
    String payload;
    try {
      given = B64D.decode(token.substring(dot + 1));
      payload = new String(B64D.decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String[] fields = payload.split("\\|", -1);
    if (!MessageDigest.isEqual(sign(encoded), given) || fields.length != 3) {
      return Optional.empty();
    }
    long expires;
    try {
      expires = Long.parseLong(fields[1]);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (now.getEpochSecond() > expires || unused.remove(fields[2], now) == null) {
      return Optional.empty();
    }
    String who = fields[0];
    return Optional.of("*".equals(who) ? Principal.administrator() : Principal.tenant(who));
  }

  private byte[] sign(String encoded) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(encoded.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
