package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.contract.ReferSigningConfig;
import io.baton.registry.Call;
import io.baton.registry.InMemoryCallRegistry;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.routing.Numbers;
import io.baton.sip.HostPort;
import io.baton.sip.SipConfig;
import io.baton.store.ApiKeys;
import io.baton.store.Database;
import io.baton.store.DatabaseConfig;
import io.baton.store.SecretsConfig;
import io.baton.store.TransferPolicies;
import io.baton.store.TransferPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;

/**
 * A transfer server on real sockets with everything around it: an H2 database seeded with two
 * tenants (whose transfer policies allow US numbers and sip: URIs at 127.0.0.1 without a rate
 * ceiling), an in-memory registry the test fills with calls, a {@link TestProxy} holding those
 * calls, and an HTTP client.
 */
final class TransferFixture implements AutoCloseable {
  static final String ACME_KEY = "acme-key";
  static final String ACME_BURST_KEY = "acme-burst-key";
  static final String GLOBEX_KEY = "globex-key";
  static final String ADMIN_KEY = "admin-key";
  static final String ACME_DID = "+18005550100";
  static final String GLOBEX_DID = "+18005550199";
  static final String CALLER_TAG = "uac-edge";
  static final String CALLEE_TAG = "uas-dest";

  final TestClock clock = TestClock.running();
  final InMemoryCallRegistry registry = new InMemoryCallRegistry(clock, Duration.ofMinutes(5));
  final ObjectMapper json = new ObjectMapper();
  final Database db;
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  final TestProxy proxy;
  final TransferServerConfig config;
  final Map<String, HostPort> network;
  volatile TransferServer server;
  final HttpClient http = HttpClient.newHttpClient();

  /** The master key the fixture's server seals webhook secrets with. */
  static final String MASTER_KEY = "transfer-test-master-key-0123456789abcdef";

  /** The transfer server signs its REFERs with this (docs/security.md, "Signed REFERs"). */
  static final ReferSigningConfig REFER_SIGNING =
      new ReferSigningConfig(
          List.of(new ReferSigningConfig.Key("t1", "transfer-test-refer-key-0123456789abcdef")),
          null,
          null,
          0);

  /**
   * What a test may change in the server's configuration.
   *
   * @param rateLimit per API key
   * @param clients per client address
   * @param keyCache API key lookups reused
   * @param allowLoopback whether webhooks may go to {@code http://127.0.0.1} (the test receivers)
   * @param https the API over TLS too (or only, with {@code plainHttp} false)
   * @param plainHttp whether the API is served over plain HTTP
   * @param network the {@code network:} elements the server knows (the toll-fraud guard's)
   * @param policy what the guard knows of the network besides tenants' own policies
   */
  record Options(
      TransferServerConfig.RateLimit rateLimit,
      TransferServerConfig.Clients clients,
      TransferServerConfig.KeyCache keyCache,
      boolean allowLoopback,
      TransferServerConfig.Https https,
      boolean plainHttp,
      Map<String, HostPort> network,
      TransferServerConfig.Policy policy) {
    /** API keys may send 20 requests/s, in bursts of 40; webhooks may reach 127.0.0.1. */
    static final Options DEFAULT =
        new Options(
            new TransferServerConfig.RateLimit(20, 40),
            null,
            null,
            true,
            null,
            true,
            Map.of(),
            TransferServerConfig.Policy.DEFAULT);

    Options rateLimit(TransferServerConfig.RateLimit limit) {
      return new Options(
          limit, clients, keyCache, allowLoopback, https, plainHttp, network, policy);
    }

    Options clients(TransferServerConfig.Clients limits) {
      return new Options(
          rateLimit, limits, keyCache, allowLoopback, https, plainHttp, network, policy);
    }

    Options keyCache(TransferServerConfig.KeyCache cache) {
      return new Options(
          rateLimit, clients, cache, allowLoopback, https, plainHttp, network, policy);
    }

    Options noLoopbackWebhooks() {
      return new Options(rateLimit, clients, keyCache, false, https, plainHttp, network, policy);
    }

    /** A network of these elements, {@code policy} naming those outside it. */
    Options network(Map<String, HostPort> elements, TransferServerConfig.Policy outside) {
      return new Options(
          rateLimit, clients, keyCache, allowLoopback, https, plainHttp, elements, outside);
    }

    Options httpsOnly(TransferServerConfig.Https tls) {
      return new Options(rateLimit, clients, keyCache, allowLoopback, tls, false, network, policy);
    }
  }

  private TransferFixture(String name, int sipPort, int proxyPort, int httpPort, Options options)
      throws Exception {
    this.network = options.network();
    db = Database.open(DatabaseConfig.inMemory(name + "-" + System.nanoTime()));
    seed();
    proxy = TestProxy.start(new HostPort("127.0.0.1", proxyPort));
    List<String> loopback = options.allowLoopback() ? List.of("127.0.0.1") : List.of();
    config =
        new TransferServerConfig(
            new SipConfig(new HostPort("127.0.0.1", sipPort), List.of("udp"), 4, null),
            options.plainHttp() ? new HostPort("127.0.0.1", httpPort) : null,
            Duration.ofSeconds(30),
            Duration.ofSeconds(300),
            Duration.ofMillis(300),
            options.rateLimit(),
            Duration.ofSeconds(1),
            null,
            Duration.ofSeconds(1),
            new TransferServerConfig.WebhookDelivery(
                Duration.ofSeconds(2),
                Duration.ofMillis(100),
                Duration.ofMillis(400),
                null,
                Duration.ofMillis(500),
                loopback,
                loopback),
            null,
            null,
            options.https(),
            options.clients(),
            options.keyCache(),
            SecretsConfig.of(MASTER_KEY),
            options.policy(),
            REFER_SIGNING);
    try {
      server = startServer();
    } catch (Exception | Error e) {
      proxy.close();
      scheduler.shutdownNow();
      http.close();
      db.close();
      throw e;
    }
  }

  /** A transfer server with {@link Options#DEFAULT}. */
  static TransferFixture start(String name, int sipPort, int proxyPort, int httpPort)
      throws Exception {
    return start(name, sipPort, proxyPort, httpPort, Options.DEFAULT);
  }

  static TransferFixture start(
      String name, int sipPort, int proxyPort, int httpPort, Options options) throws Exception {
    return new TransferFixture(name, sipPort, proxyPort, httpPort, options);
  }

  private TransferServer startServer() throws Exception {
    return TransferServer.start(
        "transfer", config, registry, db, new Numbers("US"), network, clock, scheduler);
  }

  /** Stops the transfer server and starts a new one on the same database, as after a crash. */
  void restart() throws Exception {
    stop();
    startAgain();
  }

  /** Stops the transfer server; the registry, the database and the test proxy stay. */
  void stop() {
    server.close();
  }

  /** Starts a new transfer server on the same database and registry. */
  void startAgain() throws Exception {
    server = startServer();
  }

  private void seed() {
    db.inTransaction(
        c -> {
          for (String sql :
              List.of(
                  "INSERT INTO tenants (id, name) VALUES ('acme', 'ACME Corp')",
                  "INSERT INTO tenants (id, name) VALUES ('globex', 'Globex Inc')",
                  "INSERT INTO dids (did, tenant_id, redirect_to) VALUES ('"
                      + ACME_DID
                      + "', 'acme', '+13125550100')",
                  "INSERT INTO dids (did, tenant_id, redirect_to) VALUES ('"
                      + GLOBEX_DID
                      + "', 'globex', '+13125550199')",
                  "INSERT INTO targets (tenant_id, name, destination)"
                      + " VALUES ('acme', 'sales', '+16465550111')",
                  "INSERT INTO targets (tenant_id, name, destination)"
                      + " VALUES ('acme', 'support', 'sip:support@127.0.0.1:5131')",
                  "INSERT INTO targets (tenant_id, name, destination)"
                      + " VALUES ('acme', 'broken', 'not a destination')")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
              ps.executeUpdate();
            }
          }
          return null;
        });
    ApiKeys keys = new ApiKeys(db);
    keys.add(ACME_KEY, "acme", false, "test");
    keys.add(ACME_BURST_KEY, "acme", false, "rate limit test");
    keys.add(GLOBEX_KEY, "globex", false, "test");
    keys.add(ADMIN_KEY, null, true, "test");
    TransferPolicies policies = new TransferPolicies(db);
    for (String tenant : List.of("acme", "globex")) {
      policies.put(tenant, OPEN_POLICY);
    }
  }

  /** What the fixture's tenants may do: US numbers, sip: URIs at 127.0.0.1, no rate ceiling. */
  static final TransferPolicy OPEN_POLICY =
      new TransferPolicy(List.of("US"), null, List.of("127.0.0.1"), null, 10_000, 1_000);

  // ---- calls

  /** A call to {@code did} as the elements publish it, its caller leg in {@code callerState}. */
  Call call(String did, LegState callerState, boolean withProxy) {
    String id = "c-" + hex();
    Instant now = clock.instant();
    String leg1 = "leg1-" + hex() + "@127.0.0.1";
    List<Leg> legs =
        List.of(
            leg(id, "caller", "sbc-edge", "caller-" + hex(), callerState, now, "127.0.0.1:5060"),
            leg(
                id,
                "sbc-edge",
                "proxy",
                leg1,
                LegState.ACTIVE,
                now.plusMillis(1),
                "127.0.0.1:5060"),
            leg(
                id,
                withProxy ? "proxy" : "sbc-dest",
                "sbc-dest",
                withProxy ? leg1 : "leg3-" + hex(),
                LegState.ACTIVE,
                now.plusMillis(2),
                proxy.address().toString()));
    Call call =
        new Call(
            id, "sip:+12125550123@127.0.0.1", "sip:" + did + "@127.0.0.1:5060", did, now, legs);
    registry.createCall(call);
    return registry.find(id).orElseThrow();
  }

  /** An answered call to acme's DID, held by the test proxy. */
  Call answeredCall() {
    return call(ACME_DID, LegState.ACTIVE, true);
  }

  private static Leg leg(
      String callId,
      String element,
      String peer,
      String sipCallId,
      LegState state,
      Instant at,
      String holder) {
    return new Leg(
        "l-" + hex(),
        callId,
        element,
        peer,
        sipCallId,
        state,
        at,
        state.ended() ? at : null,
        holder,
        CALLER_TAG,
        CALLEE_TAG,
        null,
        null);
  }

  static Leg proxyLeg(Call call) {
    return call.legs().stream().filter(l -> l.element().equals("proxy")).findFirst().orElseThrow();
  }

  private static String hex() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  // ---- HTTP

  HttpResponse<String> get(String path, String key) throws Exception {
    return send(request(path, key).GET());
  }

  HttpResponse<String> post(String path, String key, String body) throws Exception {
    return send(
        request(path, key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A transfer request with an {@code Idempotency-Key}. */
  HttpResponse<String> postTransfer(Call call, String key, String idempotencyKey, String body)
      throws Exception {
    return send(
        request("/v1/calls/" + call.id() + "/transfer", key)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> put(String path, String key, String body) throws Exception {
    return send(
        request(path, key)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> delete(String path, String key) throws Exception {
    return send(request(path, key).DELETE());
  }

  /** Starts a transfer and checks it was accepted; returns the transfer resource. */
  JsonNode transfer(Call call, String body) throws Exception {
    HttpResponse<String> r = post("/v1/calls/" + call.id() + "/transfer", ACME_KEY, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return json(r);
  }

  JsonNode json(HttpResponse<String> response) throws Exception {
    return json.readTree(response.body());
  }

  /** Polls the transfer until it is in {@code state}; returns it. */
  JsonNode awaitTransfer(String id, String state) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> json(get("/v1/transfers/" + id, ACME_KEY)),
            t -> state.equals(t.path("state").asText()));
  }

  HttpRequest.Builder request(String path, String key) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
            .timeout(Duration.ofSeconds(10));
    return key == null ? b : b.header("Authorization", "Bearer " + key);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      proxy.close();
      scheduler.shutdownNow();
      http.close();
      db.close();
    }
  }
}
