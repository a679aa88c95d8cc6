package io.baton.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small client of the transfer server's REST API, as a tenant (or nobody) sees it. */
public final class Api {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;
  private final String key;
  private final Map<String, String> headers;

  /**
   * @param key the API key sent as a Bearer token, or null to send none
   */
  public Api(String base, String key) {
    this(base, key, Map.of());
  }

  /** An API client that sends {@code headers} (e.g. an Idempotency-Key) with every request. */
  public Api(String base, String key, Map<String, String> headers) {
    this.base = base;
    this.key = key;
    this.headers = Map.copyOf(headers);
  }

  /** A response: status, parsed JSON body (null if none or not JSON) and the raw response. */
  public record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  public Reply get(String path) {
    return send(request(path).GET());
  }

  public Reply put(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  public Reply delete(String path) {
    return send(request(path).DELETE());
  }

  public Reply post(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    headers.forEach(b::header);
    return b;
  }

  private static Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      boolean json = r.headers().firstValue("Content-Type").orElse("").contains("json");
      JsonNode body = !json || r.body().isBlank() ? null : JSON.readTree(r.body());
      return new Reply(r.statusCode(), body, r);
    } catch (IOException e) {
      throw new IllegalStateException("API request failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
