package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A client of {@code GET /v1/events} on a real socket: reads the stream on a virtual thread and
 * parses it into events (HTML Living Standard §9.2.6), comments counted apart.
 */
final class SseStream implements AutoCloseable {

  /** One event as received. */
  record Received(long id, String type, JsonNode data) {}

  private final BlockingQueue<Received> events = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
  private final HttpResponse<Stream<String>> response;
  private final ObjectMapper json = new ObjectMapper();

  private SseStream(HttpResponse<Stream<String>> response) {
    this.response = response;
    Thread.ofVirtual().name("sse-client").start(this::read);
  }

  /** Opens the stream with {@code key} and waits for its first line (the server's greeting). */
  static SseStream open(HttpClient http, HttpRequest.Builder request) throws Exception {
    HttpResponse<Stream<String>> r =
        http.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
    SseStream stream = new SseStream(r);
    assertThat(stream.comments.poll(5, TimeUnit.SECONDS)).as("greeting").isNotNull();
    return stream;
  }

  private void read() {
    long id = -1;
    String type = "message";
    StringBuilder data = new StringBuilder();
    try (Stream<String> lines = response.body()) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            events.add(new Received(id, type, json.readTree(data.toString())));
          }
          type = "message";
          data.setLength(0);
        } else if (line.startsWith(":")) {
          comments.add(line);
        } else if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
    } catch (Exception e) {
      // closed
    }
  }

  /** Events up to and including the first that matches {@code last}, waiting a few seconds. */
  List<Received> until(Predicate<Received> last) throws InterruptedException {
    List<Received> out = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      Received e = events.poll(100, TimeUnit.MILLISECONDS);
      if (e != null) {
        out.add(e);
        if (last.test(e)) {
          return out;
        }
      }
    }
    throw new AssertionError("no matching event within 10 s; got " + out);
  }

  /** A comment line (heartbeat) within {@code wait}. */
  String nextComment(Duration wait) throws InterruptedException {
    return comments.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    response.body().close();
  }
}
