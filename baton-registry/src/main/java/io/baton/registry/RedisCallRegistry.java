package io.baton.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ZAddParams;

/**
 * The registry shared by elements in separate processes, kept in Redis. Every process sees every
 * call; each is told of the others' changes through Redis pub/sub.
 *
 * <p>Key layout (prefix {@code baton:} by default):
 *
 * <ul>
 *   <li>{@code baton:call:{id}}: hash, field {@code json} = the call without its legs, e.g. {@code
 *       {"id":"c-…","from":"sip:…","to":"sip:…","did":"+1…","startedAt":"2026-05-01T12:00:00Z"}}
 *   <li>{@code baton:call:{id}:legs}: hash, leg id → the {@link Leg} as JSON (instants as ISO-8601
 *       strings, states as {@code TRYING}…)
 *   <li>{@code baton:sip:{sipCallId}}: string, the Baton call id of the leg with that SIP Call-ID
 *   <li>{@code baton:calls}: sorted set of call ids scored by start time (epoch milliseconds)
 *   <li>{@code baton:changes}: pub/sub channel; each message is {@code "<origin> <callId>"}, origin
 *       naming the publishing registry instance
 * </ul>
 *
 * <p>Once a call has ended, its keys expire {@code retainEnded} after its last leg ended, so Redis
 * forgets it even if no process is left to prune; {@link #prune()} also drops such calls by the
 * injected clock and removes their ids from the sorted set.
 *
 * <p>Listeners in this process are told synchronously of this registry's own writes, and on the
 * subscriber thread of other processes' writes (a message from this instance is not delivered
 * twice).
 */
public final class RedisCallRegistry implements CallRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(RedisCallRegistry.class);
  public static final String DEFAULT_PREFIX = "baton:";
  private static final String CALL_FIELD = "json";
  private static final int PRUNE_EVERY = 256;
  private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration RESUBSCRIBE_DELAY = Duration.ofSeconds(1);

  /** The call as stored, without its legs (they have their own hash). */
  private record StoredCall(String id, String from, String to, String did, Instant startedAt) {}

  private final ObjectMapper json =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          // a newer element may store fields this one does not know yet
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private final RedisClient redis;
  private final String prefix;
  private final String channel;
  private final String origin = UUID.randomUUID().toString();
  private final Clock clock;
  private final Duration retainEnded;
  private final List<CallListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong writes = new AtomicLong();
  private final CountDownLatch subscribed = new CountDownLatch(1);
  private final Thread subscriberThread;
  private volatile JedisPubSub subscriber;
  private volatile boolean closed;

  /** Connects with the default key prefix {@code baton:}. */
  public RedisCallRegistry(String redisUrl, Clock clock, Duration retainEnded) {
    this(redisUrl, DEFAULT_PREFIX, clock, retainEnded);
  }

  /**
   * Connects to {@code redisUrl} (e.g. {@code redis://127.0.0.1:6379}) and subscribes to the change
   * channel before returning, so no change published afterwards is missed.
   *
   * @param keyPrefix prefix of every key and of the channel, so several Batons (or tests) can share
   *     one Redis
   * @throws IllegalStateException if Redis cannot be reached
   */
  public RedisCallRegistry(String redisUrl, String keyPrefix, Clock clock, Duration retainEnded) {
    Objects.requireNonNull(redisUrl, "redisUrl");
    if (keyPrefix == null || keyPrefix.isBlank()) {
      throw new IllegalArgumentException("keyPrefix is blank");
    }
    this.prefix = keyPrefix;
    this.channel = keyPrefix + "changes";
    this.clock = Objects.requireNonNull(clock, "clock");
    this.retainEnded = Objects.requireNonNull(retainEnded, "retainEnded");
    this.redis = RedisClient.create(URI.create(redisUrl));
    try {
      redis.ping();
    } catch (JedisException e) {
      redis.close();
      throw new IllegalStateException("cannot reach Redis at " + redisUrl + ": " + e, e);
    }
    subscriberThread =
        Thread.ofPlatform()
            .name("registry-subscriber-" + keyPrefix)
            .daemon()
            .start(this::subscribeUntilClosed);
    if (!awaitSubscribed()) {
      close();
      throw new IllegalStateException(
          "cannot subscribe to " + channel + " at " + redisUrl + " within " + SUBSCRIBE_TIMEOUT);
    }
  }

  @Override
  public void createCall(Call call) {
    String id = call.id();
    try (AbstractTransaction tx = redis.multi()) {
      tx.hset(callKey(id), CALL_FIELD, write(stored(call)));
      tx.zadd(callsKey(), score(call.startedAt()), id);
      for (Leg leg : call.legs()) {
        writeLeg(tx, leg);
      }
      tx.exec();
    }
    afterWrite(id);
  }

  @Override
  public void putLeg(Leg leg) {
    String id = leg.callId();
    try (AbstractTransaction tx = redis.multi()) {
      // A leg may be published before its call (another element was faster): hold a placeholder
      // the call's own record replaces, as InMemoryCallRegistry does.
      tx.hsetnx(
          callKey(id), CALL_FIELD, write(new StoredCall(id, null, null, null, leg.startedAt())));
      tx.zadd(callsKey(), score(leg.startedAt()), id, ZAddParams.zAddParams().nx());
      writeLeg(tx, leg);
      tx.exec();
    }
    afterWrite(id);
  }

  private void writeLeg(AbstractTransaction tx, Leg leg) {
    tx.hset(legsKey(leg.callId()), leg.id(), write(leg));
    if (leg.sipCallId() != null) {
      tx.set(sipKey(leg.sipCallId()), leg.callId());
    }
  }

  @Override
  public Optional<Call> find(String callId) {
    Response<String> call;
    Response<Map<String, String>> legs;
    try (AbstractTransaction tx = redis.multi()) {
      call = tx.hget(callKey(callId), CALL_FIELD);
      legs = tx.hgetAll(legsKey(callId));
      tx.exec();
    }
    if (call.get() == null) {
      return Optional.empty();
    }
    StoredCall c = read(call.get(), StoredCall.class);
    List<Leg> legList = new ArrayList<>();
    for (String legJson : legs.get().values()) {
      legList.add(read(legJson, Leg.class));
    }
    return Optional.of(new Call(c.id(), c.from(), c.to(), c.did(), c.startedAt(), legList));
  }

  @Override
  public Optional<Call> findBySipCallId(String sipCallId) {
    String id = redis.get(sipKey(sipCallId));
    return id == null ? Optional.empty() : find(id);
  }

  @Override
  public List<Call> recent(int limit) {
    List<Call> out = new ArrayList<>();
    List<String> gone = new ArrayList<>();
    for (long start = 0; limit > 0 && out.size() < limit; start += limit) {
      List<String> ids = redis.zrevrange(callsKey(), start, start + limit - 1);
      if (ids.isEmpty()) {
        break;
      }
      for (String id : ids) {
        Optional<Call> call = find(id);
        if (call.isEmpty()) {
          gone.add(id); // its keys expired
        } else if (out.size() < limit) {
          out.add(call.get());
        }
      }
    }
    if (!gone.isEmpty()) {
      redis.zrem(callsKey(), gone.toArray(String[]::new));
    }
    return out;
  }

  @Override
  public void addListener(CallListener listener) {
    listeners.add(listener);
  }

  /**
   * Drops calls that ended longer than {@code retainEnded} ago by this registry's clock, and the
   * sorted-set entries of calls whose keys Redis already expired.
   */
  public void prune() {
    Instant cutoff = clock.instant().minus(retainEnded);
    for (String id : redis.zrangeByScore(callsKey(), Double.NEGATIVE_INFINITY, score(cutoff))) {
      Optional<Call> call = find(id);
      if (call.isEmpty()) {
        redis.zrem(callsKey(), id);
      } else if (call.get().endedAt() != null && call.get().endedAt().isBefore(cutoff)) {
        delete(call.get());
      }
    }
  }

  private void delete(Call call) {
    try (AbstractTransaction tx = redis.multi()) {
      tx.del(callKey(call.id()), legsKey(call.id()));
      for (String sipCallId : sipCallIds(call)) {
        tx.del(sipKey(sipCallId));
      }
      tx.zrem(callsKey(), call.id());
      tx.exec();
    }
  }

  /** Expiry, publication and local listeners, after every write. */
  private void afterWrite(String callId) {
    find(callId).filter(Call::ended).ifPresent(this::expireWhenRetained);
    redis.publish(channel, origin + " " + callId);
    for (CallListener l : listeners) {
      l.changed(callId);
    }
    if (writes.incrementAndGet() % PRUNE_EVERY == 0) {
      prune();
    }
  }

  /**
   * Sets every key of an ended call to expire {@code retainEnded} after its last leg ended. Called
   * after each write to it, so a leg published late (its SIP Call-ID key too) expires with the
   * rest.
   */
  private void expireWhenRetained(Call call) {
    Instant lastEnd =
        call.legs().stream()
            .map(l -> l.endedAt() != null ? l.endedAt() : l.startedAt())
            .max(Comparator.naturalOrder())
            .orElse(call.startedAt());
    long ttlMillis =
        Math.max(1, Duration.between(clock.instant(), lastEnd.plus(retainEnded)).toMillis());
    try (AbstractTransaction tx = redis.multi()) {
      tx.pexpire(callKey(call.id()), ttlMillis);
      tx.pexpire(legsKey(call.id()), ttlMillis);
      for (String sipCallId : sipCallIds(call)) {
        tx.pexpire(sipKey(sipCallId), ttlMillis);
      }
      tx.exec();
    }
  }

  private static List<String> sipCallIds(Call call) {
    return call.legs().stream().map(Leg::sipCallId).filter(Objects::nonNull).distinct().toList();
  }

  private void subscribeUntilClosed() {
    while (!closed) {
      JedisPubSub pubSub = new ChangeSubscriber();
      subscriber = pubSub;
      try {
        redis.subscribe(pubSub, channel); // returns when unsubscribed by close()
      } catch (JedisException e) {
        if (closed) {
          return;
        }
        LOG.warn("registry: subscription to {} lost ({}); resubscribing", channel, e.toString());
        try {
          Thread.sleep(RESUBSCRIBE_DELAY);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private boolean awaitSubscribed() {
    try {
      return subscribed.await(SUBSCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Tells local listeners of changes other registry instances published. */
  private final class ChangeSubscriber extends JedisPubSub {
    @Override
    public void onSubscribe(String ignored, int count) {
      subscribed.countDown();
      if (closed) {
        unsubscribe(); // close() ran before the subscription was up
      }
    }

    @Override
    public void onMessage(String ignored, String message) {
      int space = message.indexOf(' ');
      if (space < 0 || message.substring(0, space).equals(origin)) {
        return; // malformed, or our own write (listeners were told already)
      }
      String callId = message.substring(space + 1);
      for (CallListener l : listeners) {
        try {
          l.changed(callId);
        } catch (RuntimeException e) {
          LOG.error("registry listener failed on {}", callId, e);
        }
      }
    }
  }

  /** Stops the subscriber thread and closes the connection pool. */
  @Override
  public void close() {
    closed = true;
    JedisPubSub pubSub = subscriber;
    if (pubSub != null && pubSub.isSubscribed()) {
      try {
        pubSub.unsubscribe();
      } catch (JedisException e) {
        LOG.debug("registry: unsubscribe failed: {}", e.toString());
      }
    }
    subscriberThread.interrupt();
    try {
      subscriberThread.join(SUBSCRIBE_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    redis.close();
  }

  /** True while the thread delivering other processes' changes runs. */
  boolean subscriberAlive() {
    return subscriberThread.isAlive();
  }

  private static StoredCall stored(Call call) {
    return new StoredCall(call.id(), call.from(), call.to(), call.did(), call.startedAt());
  }

  private static double score(Instant at) {
    return at.toEpochMilli();
  }

  private String callKey(String id) {
    return prefix + "call:" + id;
  }

  private String legsKey(String id) {
    return prefix + "call:" + id + ":legs";
  }

  private String sipKey(String sipCallId) {
    return prefix + "sip:" + sipCallId;
  }

  private String callsKey() {
    return prefix + "calls";
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value, e);
    }
  }

  private <T> T read(String text, Class<T> type) {
    try {
      return json.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "unreadable " + type.getSimpleName() + " in Redis: " + text, e);
    }
  }
}
