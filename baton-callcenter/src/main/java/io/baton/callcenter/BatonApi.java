package io.baton.callcenter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The call center's client of Baton's REST API (docs/transfers.md): it names a call by the SIP
 * Call-ID of its own leg, which Baton accepts for any leg of the call, so it needs no Baton header.
 * Blocking: call it from virtual threads.
 */
final class BatonApi {
  /** Transfer states after which nothing changes (docs/transfers.md, "States"). */
  static final Set<String> FINAL = Set.of("completed", "failed", "rolled_back", "cancelled");

  /** A 409 of this type means the call is not active yet: the 200 is still on its way. */
  private static final String NOT_ANSWERED = "call-not-answered";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BatonApiConfig config;
  private final HttpClient http;

  BatonApi(BatonApiConfig config) {
    this.config = config;
    this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
  }

  /** An answer: the HTTP status and the JSON body ({@code null} if none or not JSON). */
  record Reply(int status, JsonNode body) {
    String text(String field) {
      return body != null && body.hasNonNull(field) ? body.get(field).asText() : "";
    }
  }

  /** The DID the call was dialled on, if Baton knows the call (and it is this tenant's). */
  Optional<String> did(String sipCallId) throws IOException, InterruptedException {
    Reply r = send(get("/v1/calls/" + encode(sipCallId)));
    return r.status() == 200 && !r.text("did").isEmpty()
        ? Optional.of(r.text("did"))
        : Optional.empty();
  }

  /**
   * {@code POST /v1/calls/{sipCallId}/transfer {"to": to}}; a 409 {@code call-not-answered} (the
   * call center answered, Baton has not yet seen the 200 reach the caller) is retried for up to
   * {@code notAnsweredFor}.
   */
  Reply transfer(String sipCallId, String to, Duration notAnsweredFor)
      throws IOException, InterruptedException {
    String body = JSON.createObjectNode().put("to", to).toString();
    long deadline = System.nanoTime() + notAnsweredFor.toNanos();
    while (true) {
      Reply r =
          send(
              request("/v1/calls/" + encode(sipCallId) + "/transfer")
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build());
      boolean notAnswered = r.status() == 409 && r.text("type").endsWith(NOT_ANSWERED);
      if (!notAnswered || System.nanoTime() > deadline) {
        return r;
      }
      Thread.sleep(config.poll().toMillis() / 5 + 1);
    }
  }

  /**
   * Reads the transfer every {@code poll} until it is final or {@code stillWanted} says stop.
   *
   * @return its final state, or empty if it was not wanted any more
   */
  Optional<String> awaitFinal(String transferId, java.util.function.BooleanSupplier stillWanted)
      throws IOException, InterruptedException {
    while (stillWanted.getAsBoolean()) {
      Reply r = send(get("/v1/transfers/" + encode(transferId)));
      String state = r.text("state");
      if (FINAL.contains(state)) {
        return Optional.of(state);
      }
      if (r.status() != 200 && r.status() != 429) {
        throw new IOException("GET /v1/transfers/" + transferId + " answered " + r.status());
      }
      Thread.sleep(config.poll().toMillis());
    }
    return Optional.empty();
  }

  private HttpRequest get(String path) {
    return request(path).GET().build();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(config.url() + path))
        .timeout(config.timeout())
        .header("Authorization", "Bearer " + config.key())
        .header("Accept", "application/json");
  }

  private Reply send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode body;
    try {
      body = response.body().isEmpty() ? null : JSON.readTree(response.body());
    } catch (IOException e) {
      body = null;
    }
    return new Reply(response.statusCode(), body);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
