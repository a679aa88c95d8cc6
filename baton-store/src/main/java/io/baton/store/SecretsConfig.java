package io.baton.store;

import io.baton.contract.SecretRef;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code transfer.secrets:} block: the master keys that seal secrets Baton must keep in a form
 * it can use again (tenants' webhook secrets, which sign deliveries) before they reach the
 * database. Each key is a {@link SecretRef} ({@code env:NAME}, {@code file:PATH} or the value) of
 * at least {@value #MIN_KEY_BYTES} bytes, read when the transfer server (or the seed) starts.
 *
 * @param masterKey the key that seals new secrets
 * @param keyId its id, stored with every secret it sealed (letters, digits, {@code _ -}; at most
 *     32), so a new key can take over: give the new key a new id and move the old one to {@code
 *     previousKeys}; the transfer server reseals every secret under the new key at start
 * @param previousKeys id → key of earlier master keys, used only to open what they sealed
 */
public record SecretsConfig(String masterKey, String keyId, Map<String, String> previousKeys) {
  public static final int MIN_KEY_BYTES = 32;
  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  public SecretsConfig {
    SecretRef.check("transfer.secrets.masterKey", masterKey);
    if (!SecretRef.isIndirect(masterKey)) {
      read("transfer.secrets.masterKey", masterKey); // a value given as is is checked now
    }
    keyId = keyId == null ? "k1" : keyId;
    if (!KEY_ID.matcher(keyId).matches()) {
      throw new IllegalArgumentException(
          "transfer.secrets.keyId: '" + keyId + "' is not 1 to 32 letters, digits, _ or -");
    }
    previousKeys =
        previousKeys == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(previousKeys));
    for (Map.Entry<String, String> e : previousKeys.entrySet()) {
      String key = "transfer.secrets.previousKeys." + e.getKey();
      if (!KEY_ID.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException(
            "transfer.secrets.previousKeys: '" + e.getKey() + "' is not a key id");
      }
      if (e.getKey().equals(keyId)) {
        throw new IllegalArgumentException(key + ": the id of the current masterKey");
      }
      SecretRef.check(key, e.getValue());
      if (!SecretRef.isIndirect(e.getValue())) {
        read(key, e.getValue());
      }
    }
  }

  /** Master keys given as values (tests, the lab). */
  public static SecretsConfig of(String masterKey) {
    return new SecretsConfig(masterKey, null, null);
  }

  /**
   * Reads every key and makes the cipher.
   *
   * @throws IllegalArgumentException naming the key that cannot be read or is too short
   */
  public SecretCipher cipher() {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    keys.put(keyId, read("transfer.secrets.masterKey", masterKey));
    previousKeys.forEach(
        (id, ref) -> keys.put(id, read("transfer.secrets.previousKeys." + id, ref)));
    return new SecretCipher(keyId, keys);
  }

  private static byte[] read(String key, String ref) {
    byte[] bytes = SecretRef.resolve(key, ref);
    if (bytes.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          key
              + ": "
              + bytes.length
              + " bytes, at least "
              + MIN_KEY_BYTES
              + " needed (e.g. openssl rand -base64 48)");
    }
    return bytes;
  }

  @Override
  public String toString() {
    Map<String, String> previous = new LinkedHashMap<>();
    previousKeys.forEach((id, ref) -> previous.put(id, SecretRef.redacted(ref)));
    return "SecretsConfig[masterKey="
        + SecretRef.redacted(masterKey)
        + ", keyId="
        + keyId
        + ", previousKeys="
        + previous
        + "]";
  }
}
