package io.baton.store;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A map whose memory stays bounded whatever its callers are fed: at most {@code capacity} entries,
 * each with its own expiry. An expired entry reads as absent; the least recently used entries go
 * first, expired ones on every write, live ones when the map is full. It backs the caches and
 * tables an attacker can grow by sending new keys or addresses (API key lookups, per-client rate
 * limits, issued event-stream tokens). Thread-safe; every operation is O(1) amortised.
 *
 * @param <K> the key
 * @param <V> the value
 */
public final class ExpiringMap<K, V> {
  private record Entry<V>(V value, Instant expiresAt) {}

  private final int capacity;
  private final LinkedHashMap<K, Entry<V>> entries;

  public ExpiringMap(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity + " is below 1");
    }
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true); // access order: eldest = least used
  }

  /** The live value of {@code key} at {@code now}, or null if absent or expired. */
  public synchronized V get(K key, Instant now) {
    Entry<V> e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (!now.isBefore(e.expiresAt())) {
      entries.remove(key);
      return null;
    }
    return e.value();
  }

  /** Stores {@code value} until {@code expiresAt}, making room as described on the class. */
  public synchronized void put(K key, V value, Instant expiresAt, Instant now) {
    entries.put(key, new Entry<>(value, expiresAt));
    dropExpired(now);
    while (entries.size() > capacity) {
      Iterator<K> eldest = entries.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }

  /**
   * Replaces the value of {@code key} by what {@code update} makes of the live one (null if none),
   * atomically.
   *
   * @param update the live value (or null) → the new value and its expiry
   * @return the new value
   */
  public synchronized V update(K key, Instant now, Function<V, Map.Entry<V, Instant>> update) {
    Map.Entry<V, Instant> next = update.apply(get(key, now));
    put(key, next.getKey(), next.getValue(), now);
    return next.getKey();
  }

  /** Removes {@code key}; its live value, or null. */
  public synchronized V remove(K key, Instant now) {
    Entry<V> e = entries.remove(key);
    return e == null || !now.isBefore(e.expiresAt()) ? null : e.value();
  }

  /** Entries held, expired ones not yet dropped included. */
  public synchronized int size() {
    return entries.size();
  }

  /**
   * Drops expired entries from the least recently used end, up to the first live one: each entry is
   * dropped once, so the cost is amortised over the writes that made them.
   */
  private void dropExpired(Instant now) {
    for (Iterator<Entry<V>> it = entries.values().iterator(); it.hasNext(); ) {
      if (now.isBefore(it.next().expiresAt())) {
        return;
      }
      it.remove();
    }
  }
}
