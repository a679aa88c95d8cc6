package io.baton.contract;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key ring of signed REFERs: every key a verifier accepts, by id, and the one a signer signs
 * with. Several keys at once let a key be replaced without refusing a single REFER
 * (docs/security.md, "Signed REFERs": add the new key everywhere, sign with it, drop the old one).
 */
public final class ReferKeys {
  /** HMAC-SHA256 keys shorter than its output add no strength (RFC 2104 §3). */
  public static final int MIN_SECRET_BYTES = 32;

  private static final String HMAC = "HmacSHA256";
  private static final int NONCE_BYTES = 16;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
  private final String signWith;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param secrets key id → secret, each at least {@value #MIN_SECRET_BYTES} bytes
   * @param signWith the id of the key new signatures are made with; one of {@code secrets}
   */
  public ReferKeys(Map<String, byte[]> secrets, String signWith) {
    if (!secrets.containsKey(signWith)) {
      throw new IllegalArgumentException("signWith: '" + signWith + "' is not a key id");
    }
    secrets.forEach(
        (id, secret) -> {
          if (!ReferSignature.KEY_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("'" + id + "' is not a key id");
          }
          if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(
                "key " + id + ": " + secret.length + " bytes, at least " + MIN_SECRET_BYTES);
          }
          keys.put(id, new SecretKeySpec(secret, HMAC));
        });
    this.signWith = signWith;
  }

  /** The ids of the keys accepted. */
  public Set<String> ids() {
    return java.util.Collections.unmodifiableSet(keys.keySet());
  }

  /** The id new signatures carry. */
  public String signWith() {
    return signWith;
  }

  /** A signature of {@code fields} made at {@code now} under {@link #signWith}, a fresh nonce. */
  public ReferSignature sign(ReferSignature.Fields fields, Instant now) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    return sign(fields, now.getEpochSecond(), BASE64URL.encodeToString(nonce));
  }

  /** The signature of {@code fields} at {@code timestamp} with this {@code nonce}. */
  ReferSignature sign(ReferSignature.Fields fields, long timestamp, String nonce) {
    byte[] mac = mac(keys.get(signWith), ReferSignature.canonical(fields, timestamp, nonce));
    return new ReferSignature(signWith, timestamp, nonce, BASE64URL.encodeToString(mac));
  }

  /** Whether a signature names a key of this ring. */
  boolean knows(String keyId) {
    return keys.containsKey(keyId);
  }

  /**
   * Whether {@code signature}'s mac is the one its key makes over {@code fields}: compared in
   * constant time ({@link MessageDigest#isEqual}), so the time taken tells a forger nothing about
   * how much of a guess was right.
   */
  boolean matches(ReferSignature signature, ReferSignature.Fields fields) {
    SecretKeySpec key = keys.get(signature.keyId());
    if (key == null) {
      return false;
    }
    byte[] expected =
        mac(key, ReferSignature.canonical(fields, signature.timestamp(), signature.nonce()));
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(signature.mac());
    } catch (IllegalArgumentException e) {
      return false; // 43 base64url characters whose last carries stray bits
    }
    return MessageDigest.isEqual(expected, given);
  }

  private static byte[] mac(SecretKeySpec key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has " + HMAC, e);
    }
  }
}
