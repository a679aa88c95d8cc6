package io.baton.transfer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A tenant's webhook endpoint on a real socket ({@code com.sun.net.httpserver}): records every
 * delivery and answers with the statuses queued by the test, then 200.
 */
final class WebhookReceiver implements AutoCloseable {

  /** One POST as received. */
  record Delivery(Map<String, List<String>> headers, String body, int answered) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().getFirst())
          .findFirst()
          .orElse(null);
    }
  }

  private final HttpServer server;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Integer> answers = new ConcurrentLinkedQueue<>();
  private volatile int otherwise = 200;
  private volatile String refused;

  WebhookReceiver(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/hook", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** The next deliveries are answered with these statuses, in order. */
  void answerNext(Integer... statuses) {
    answers.addAll(List.of(statuses));
  }

  /** Once the queued statuses are used up, deliveries are answered with this. */
  void answerOtherwise(int status) {
    otherwise = status;
  }

  /** Deliveries whose body contains {@code marker} are answered 503 (null: none are). */
  void refuseBodiesWith(String marker) {
    refused = marker;
  }

  List<Delivery> deliveries() {
    return new ArrayList<>(deliveries);
  }

  void forget() {
    deliveries.clear();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String marker = refused;
    Integer queued = answers.poll();
    int status =
        marker != null && body.contains(marker) ? 503 : queued != null ? queued : otherwise;
    deliveries.add(new Delivery(Map.copyOf(exchange.getRequestHeaders()), body, status));
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
