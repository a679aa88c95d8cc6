package io.baton.transfer;

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
 * Short-lived tokens that open {@code GET /v1/events} without an {@code Authorization} header, for
 * browsers: {@code EventSource} cannot send one. A token is obtained with the API key ({@code POST
 * /v1/event-tokens}) and sent as {@code ?access_token=} (RFC 6750 §2.3); it names the principal and
 * its expiry, signed with HMAC-SHA256 under a key this server draws at start (a restart voids every
 * token). It only opens event streams, and only until it expires; an open stream goes on.
 */
final class EventTokens {
  static final Duration LIFETIME = Duration.ofSeconds(60);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final byte[] key = new byte[32];
  private final Clock clock;

  EventTokens(Clock clock) {
    this.clock = clock;
    new SecureRandom().nextBytes(key);
  }

  /** A token and when it expires. */
  record Token(String token, Instant expiresAt) {}

  Token issue(Principal who) {
    Instant expires = clock.instant().plus(LIFETIME);
    String payload = (who.admin() ? "*" : who.tenantId()) + "|" + expires.getEpochSecond();
    String encoded = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    return new Token(encoded + "." + B64.encodeToString(sign(encoded)), expires);
  }

  /** The principal a valid, unexpired token speaks for. */
  Optional<Principal> verify(String token) {
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
    int bar = payload.lastIndexOf('|');
    if (!MessageDigest.isEqual(sign(encoded), given) || bar <= 0) {
      return Optional.empty();
    }
    long expires;
    try {
      expires = Long.parseLong(payload.substring(bar + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (clock.instant().getEpochSecond() > expires) {
      return Optional.empty();
    }
    String who = payload.substring(0, bar);
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
