package io.baton.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * A tenant's webhook in the seed: {@code webhook: {url: "http://127.0.0.1:9000/baton", secret:
 * "at-least-16-chars"}}. The transfer server POSTs the tenant's events there, signed with {@code
 * secret} (HMAC-SHA256). The rules on both fields are the API's too ({@code PUT /v1/webhook}).
 *
 * @param url an absolute {@code http://} or {@code https://} URL
 * @param secret the signing key, 16 to 200 printable ASCII characters
 */
public record WebhookSeed(String url, String secret) {
  public static final int MAX_URL = 2000;
  public static final int MIN_SECRET = 16;
  public static final int MAX_SECRET = 200;

  /** Checks the fields, {@code key} naming this entry, e.g. {@code seed.tenants[0].webhook}. */
  void check(String key) {
    urlProblem(url).ifPresent(p -> fail(key + ".url", p));
    // The problem text never quotes the secret: configuration errors end up in logs.
    secretProblem(secret).ifPresent(p -> fail(key + ".secret", p));
  }

  private static void fail(String key, String problem) {
    throw SeedCheck.fail(key, problem);
  }

  /** What is wrong with {@code url} as a webhook URL, if anything. */
  public static Optional<String> urlProblem(String url) {
    if (url == null || url.isBlank()) {
      return Optional.of("missing");
    }
    if (url.length() > MAX_URL) {
      return Optional.of("longer than " + MAX_URL + " characters");
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || uri.getHost() == null) {
        return Optional.of("'" + url + "' is not an absolute http:// or https:// URL");
      }
      return Optional.empty();
    } catch (URISyntaxException e) {
      return Optional.of("'" + url + "' is not a URL (" + e.getReason() + ")");
    }
  }

  /**
   * The context a tenant's webhook secret is sealed for ({@link SecretCipher}): it opens as that
   * tenant's only.
   */
  public static String sealContext(String tenant) {
    return "webhooks.secret/" + tenant;
  }

  /** What is wrong with {@code secret} as a signing key, if anything. */
  public static Optional<String> secretProblem(String secret) {
    if (secret == null) {
      return Optional.of("missing");
    }
    if (secret.length() < MIN_SECRET || secret.length() > MAX_SECRET) {
      return Optional.of("must be " + MIN_SECRET + " to " + MAX_SECRET + " characters long");
    }
    if (!secret.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
      return Optional.of("must be printable ASCII without spaces");
    }
    return Optional.empty();
  }
}
