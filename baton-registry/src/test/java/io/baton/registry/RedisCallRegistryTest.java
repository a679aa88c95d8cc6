package io.baton.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The contract against a real Redis ({@value #URL}); skipped when none answers there. Every test
 * uses its own key prefix and deletes only its own keys afterwards.
 */
class RedisCallRegistryTest extends CallRegistryContract {
  static final String URL = "redis://127.0.0.1:6379";
  private static RedisClient admin;
  private static String unavailable;
  private final String prefix = "baton-test:" + UUID.randomUUID() + ":";

  @BeforeAll
  static void connect() {
    RedisClient client = RedisClient.create(URI.create(URL));
    try {
      client.ping();
      admin = client;
    } catch (JedisException e) {
      client.close();
      unavailable = "Redis not reachable at " + URL + " (" + e.getMessage() + "): skipped";
    }
  }

  @AfterAll
  static void closeAdmin() {
    if (admin != null) {
      admin.close();
    }
  }

  @Override
  CallRegistry newRegistry() {
    Assumptions.assumeTrue(unavailable == null, unavailable);
    return new RedisCallRegistry(URL, prefix, clock, RETAIN);
  }

  @Override
  CallRegistry peerOf(CallRegistry registry) {
    return new RedisCallRegistry(URL, prefix, clock, RETAIN);
  }

  @Override
  void prune(CallRegistry registry) {
    ((RedisCallRegistry) registry).prune();
  }

  @org.junit.jupiter.api.AfterEach
  void deleteOwnKeys() {
    if (admin == null) {
      return;
    }
    Set<String> keys = ownKeys();
    if (!keys.isEmpty()) {
      admin.del(keys.toArray(String[]::new));
    }
  }

  private Set<String> ownKeys() {
    Set<String> keys = new java.util.HashSet<>();
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = admin.scan(cursor, new ScanParams().match(prefix + "*").count(500));
      keys.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return keys;
  }

  @Test
  void keysFollowTheDocumentedLayout() {
    Call call =
        new Call(
            "c-1", "sip:a@h", "sip:+18005550100@h", "+18005550100", clock.instant(), List.of());
    registry.createCall(call);
    registry.putLeg(
        new Leg(
            "l-1",
            "c-1",
            Call.CALLER,
            "sbc-edge",
            "sip-1",
            LegState.ACTIVE,
            clock.instant(),
            null,
            "127.0.0.1:5060",
            "t1",
            "t2",
            null,
            null));

    assertThat(admin.hget(prefix + "call:c-1", "json"))
        .contains("\"startedAt\":\"2026-05-01T12:00:00.123456789Z\"")
        .contains("\"did\":\"+18005550100\"");
    assertThat(admin.hget(prefix + "call:c-1:legs", "l-1")).contains("\"state\":\"ACTIVE\"");
    assertThat(admin.get(prefix + "sip:sip-1")).isEqualTo("c-1");
    assertThat(admin.zrange(prefix + "calls", 0, -1)).containsExactly("c-1");
    assertThat(admin.pttl(prefix + "call:c-1")).as("a live call does not expire").isEqualTo(-1);
  }

  @Test
  void anEndedCallsKeysExpireInRedisWithinRetainEnded() {
    Call call =
        new Call(
            "c-2", "sip:a@h", "sip:+18005550100@h", "+18005550100", clock.instant(), List.of());
    registry.createCall(call);
    Leg caller =
        new Leg(
            "l-2",
            "c-2",
            Call.CALLER,
            "sbc-edge",
            "sip-2",
            LegState.ACTIVE,
            clock.instant(),
            null,
            "127.0.0.1:5060",
            "t1",
            "t2",
            null,
            null);
    registry.putLeg(caller);
    registry.putLeg(caller.withState(LegState.RELEASED, clock.instant()));

    for (String key : List.of("call:c-2", "call:c-2:legs", "sip:sip-2")) {
      assertThat(admin.pttl(prefix + key))
          .as(key)
          .isPositive()
          .isLessThanOrEqualTo(RETAIN.toMillis());
    }
  }

  @Test
  void closeStopsTheSubscriberThread() {
    RedisCallRegistry own = new RedisCallRegistry(URL, prefix, clock, RETAIN);
    assertThat(own.subscriberAlive()).isTrue();
    own.close();
    assertThat(own.subscriberAlive()).isFalse();
  }
}
