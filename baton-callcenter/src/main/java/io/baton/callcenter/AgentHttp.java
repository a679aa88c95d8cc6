package io.baton.callcenter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.baton.sip.HostPort;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents' side of the call center over HTTP (what an agent's desktop would call):
 *
 * <ul>
 *   <li>{@code GET /agents}: {@code [{"name", "available", "idleSince", "call"}]}
 *   <li>{@code POST /agents/{name}/transfer {"to": "target:support"}}: the agent asks to transfer
 *       the caller it talks to; the call center asks Baton and answers with Baton's answer ({@code
 *       202} and the transfer)
 * </ul>
 *
 * Every request carries {@code Authorization: Bearer <callcenter.http.key>} (RFC 6750 §2.1),
 * compared in constant time. Errors are {@code application/problem+json} (RFC 9457): {@code 401} no
 * or a wrong key, {@code 400} a body without {@code to}, {@code 404} no such agent, {@code 409} the
 * agent talks to nobody or a transfer already runs, {@code 502} Baton did not answer.
 */
final class AgentHttp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentHttp.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TRANSFER = Pattern.compile("/agents/([^/]+)/transfer");

  private final HttpServer server;
  private final CallCenter center;
  private final byte[] keyDigest;

  private AgentHttp(HttpServer server, CallCenter center, String key) {
    this.server = server;
    this.center = center;
    this.keyDigest = sha256(key);
  }

  static AgentHttp start(AgentHttpConfig config, CallCenter center) throws IOException {
    HostPort listen = config.listen();
    HttpServer server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 0);
    AgentHttp http = new AgentHttp(server, center, config.key());
    server.createContext("/agents", http::handle);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    LOG.info("callcenter: agents' HTTP endpoint on http://{}", listen);
    return http;
  }

  HostPort address() {
    InetSocketAddress a = server.getAddress();
    return new HostPort(a.getHostString(), a.getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      Matcher transfer = TRANSFER.matcher(path);
      if (!authorised(exchange.getRequestHeaders().getFirst("Authorization"))) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"baton-agents\"");
        problem(exchange, 401, "Unauthorized", "send Authorization: Bearer <callcenter.http.key>");
      } else if (path.equals("/agents") && method.equals("GET")) {
        send(exchange, 200, "application/json", agents());
      } else if (transfer.matches() && method.equals("POST")) {
        transfer(exchange, transfer.group(1));
      } else if (path.equals("/agents") || transfer.matches()) {
        problem(exchange, 405, "Method Not Allowed", method + " is not allowed on " + path);
      } else {
        problem(exchange, 404, "Not Found", "no resource " + path);
      }
    } catch (RuntimeException e) {
      LOG.warn("callcenter: agents' HTTP request failed", e);
    }
  }

  /**
   * Whether {@code authorization} carries the key. Digests are compared, with {@link
   * MessageDigest#isEqual} (constant time): neither the key's length nor where a guess first
   * differs shows in the time the answer takes.
   */
  private boolean authorised(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(keyDigest, sha256(authorization.substring(7).strip()));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private String agents() {
    ArrayNode list = JSON.createArrayNode();
    for (AgentSelection.AgentStatus a : center.agentStatuses()) {
      ObjectNode n = list.addObject();
      n.put("name", a.name());
      n.put("available", a.available());
      n.put("idleSince", a.idleSince().toString());
      center.callerOf(a.name()).ifPresentOrElse(c -> n.put("call", c), () -> n.putNull("call"));
    }
    return list.toString();
  }

  private void transfer(HttpExchange exchange, String agent) throws IOException {
    if (!center.hasAgent(agent)) {
      problem(exchange, 404, "Not Found", "no agent '" + agent + "'");
      return;
    }
    String to;
    try {
      JsonNode body = JSON.readTree(exchange.getRequestBody());
      to = body != null && body.path("to").isTextual() ? body.get("to").asText().strip() : "";
    } catch (IOException e) {
      to = "";
    }
    if (to.isEmpty()) {
      problem(
          exchange,
          400,
          "Bad Request",
          "to: a transfer target is required, e.g. {\"to\": \"target:support\"}");
      return;
    }
    BatonApi.Reply reply;
    try {
      reply = center.agentTransfer(agent, to).get(30, TimeUnit.SECONDS);
    } catch (IllegalStateException e) {
      problem(exchange, 409, "Conflict", e.getMessage());
      return;
    } catch (ExecutionException | TimeoutException e) {
      problem(exchange, 502, "Bad Gateway", "Baton did not answer: " + e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (reply.body() == null) {
      problem(exchange, 502, "Bad Gateway", "Baton answered " + reply.status() + " without a body");
      return;
    }
    String type = reply.status() < 300 ? "application/json" : "application/problem+json";
    send(exchange, reply.status(), type, reply.body().toString());
  }

  private static void problem(HttpExchange exchange, int status, String title, String detail)
      throws IOException {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "about:blank");
    p.put("title", title);
    p.put("status", status);
    p.put("detail", detail);
    p.put("instance", exchange.getRequestURI().getPath());
    send(exchange, status, "application/problem+json", p.toString());
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
