package io.baton.callcenter;

import java.net.URI;
import java.time.Duration;

/**
 * How the call center reaches Baton's REST API (the {@code callcenter.api:} block), the only way it
 * can move a call.
 *
 * @param url the transfer server's base URL, e.g. {@code http://127.0.0.1:8080}
 * @param key the tenant's API key it sends as {@code Authorization: Bearer}
 * @param poll how often it reads a transfer it asked for until the transfer is final
 * @param timeout how long one request may take
 */
public record BatonApiConfig(String url, String key, Duration poll, Duration timeout) {

  public BatonApiConfig {
    if (url == null || !url.matches("https?://\\S+")) {
      throw new IllegalArgumentException("callcenter.api.url: '" + url + "' is not an http(s) URL");
    }
    url = url.replaceAll("/+$", "");
    URI.create(url);
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("callcenter.api.key: missing");
    }
    if (poll == null || poll.isNegative() || poll.isZero()) {
      throw new IllegalArgumentException("callcenter.api.poll: " + poll + " is not positive");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("callcenter.api.timeout: " + timeout + " is not positive");
    }
  }
}
