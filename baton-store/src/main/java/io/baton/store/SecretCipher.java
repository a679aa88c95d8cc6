package io.baton.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets for the database with AES-256-GCM (NIST SP 800-38D): a fresh 96-bit nonce per seal,
 * the 128-bit tag appended, and the secret's context (e.g. which tenant's webhook it signs) as
 * associated data, so a sealed value copied to another row does not open. The AES key of each
 * master key is derived with HKDF-SHA256 (RFC 5869), so a master key may be any long random text.
 * Sealed text: base64url of nonce ‖ ciphertext ‖ tag, stored with the id of the key that sealed it.
 */
public final class SecretCipher {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] HKDF_SALT = "baton-secrets".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HKDF_INFO = "aes-256-gcm v1".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /** A sealed secret and the id of the master key that sealed it. */
  public record Sealed(String keyId, String text) {}

  private final String currentId;
  private final Map<String, SecretKey> keys = new LinkedHashMap<>();

  /**
   * @param currentId the id of the key that seals
   * @param masterKeys id → master key bytes; the current one included
   */
  SecretCipher(String currentId, Map<String, byte[]> masterKeys) {
    if (!masterKeys.containsKey(currentId)) {
      throw new IllegalArgumentException("no master key " + currentId);
    }
    this.currentId = currentId;
    masterKeys.forEach((id, bytes) -> keys.put(id, derive(bytes)));
  }

  /** The id new seals carry. */
  public String currentKeyId() {
    return currentId;
  }

  public Sealed seal(String secret, String context) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
      aes.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = aes.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return new Sealed(currentId, B64.encodeToString(out));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /**
   * The secret {@code sealed} holds.
   *
   * @throws IllegalStateException if its key is not configured, or it was not sealed for {@code
   *     context} with that key (tampered, moved, or a different key under the same id)
   */
  public String open(Sealed sealed, String context) {
    SecretKey key = keys.get(sealed.keyId());
    if (key == null) {
      throw new IllegalStateException(
          "sealed with master key '"
              + sealed.keyId()
              + "', which is neither transfer.secrets.keyId nor in previousKeys");
    }
    try {
      byte[] in = B64D.decode(sealed.text());
      if (in.length < NONCE_BYTES + TAG_BITS / 8) {
        throw new IllegalStateException("sealed text too short");
      }
      Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
      aes.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      aes.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] plain = aes.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot open a secret sealed with master key '"
              + sealed.keyId()
              + "' (a different key under that id, or the value was altered)",
          e);
    }
  }

  /** HKDF-SHA256 (RFC 5869 §2.2, §2.3) with one 32-byte block of output: the AES-256 key. */
  private static SecretKey derive(byte[] masterKey) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(HKDF_SALT, "HmacSHA256"));
      byte[] prk = mac.doFinal(masterKey);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      mac.update(HKDF_INFO);
      mac.update((byte) 1);
      return new SecretKeySpec(mac.doFinal(), "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
