package io.baton.transfer;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.store.Database;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes every transfer and call state change (docs/transfers.md, "Events"). A change and its
 * event commit together: the change's own database work runs in the transaction that also queues
 * the event for the tenant's webhook, if it has one; after the commit the event goes to the live
 * {@code GET /v1/events} streams and the deliverer is woken. Publishing is serialised, so event ids
 * rise in the order events are published: every stream and every tenant's webhook sees them in that
 * order.
 */
final class Events {

  /** A webhook delivery's body: {@code {"id", "type", "at", "data"}}. */
  record Envelope(long id, String type, Instant at, @JsonRawValue String data) {}

  private final Database db;
  private final EventIds ids;
  private final Webhooks webhooks;
  private final WebhookOutbox outbox;
  private final EventStreams streams;
  private final Runnable deliver;
  private final ObjectMapper json;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();

  /**
   * @param deliver wakes the webhook deliverer; must not block
   */
  Events(
      Database db,
      Webhooks webhooks,
      WebhookOutbox outbox,
      EventStreams streams,
      Runnable deliver,
      ObjectMapper json,
      Clock clock) {
    this.db = db;
    this.ids = new EventIds(db);
    this.webhooks = webhooks;
    this.outbox = outbox;
    this.streams = streams;
    this.deliver = deliver;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Whether an event of {@code tenant} would reach anyone now: an open stream that may see it, or
   * the tenant's webhook. Lets a change that is not stored anyway skip the work of publishing.
   */
  boolean wanted(String tenant) {
    return streams.anyFor(tenant) || webhooks.exists(tenant);
  }

  /**
   * Runs {@code change} in one transaction and publishes what it returns (the changed resource) as
   * an event of {@code type} for {@code tenant}.
   *
   * @return what {@code change} returned
   * @throws RuntimeException what {@code change} threw; nothing is then published
   */
  <T> T publish(String tenant, String type, Database.SqlWork<T> change) {
    lock.lock();
    try {
      long id = ids.next();
      Instant at = clock.instant();
      Published<T> done =
          db.inTransaction(
              c -> {
                T data = change.run(c);
                String text = write(data);
                boolean queued = webhooks.exists(c, tenant);
                if (queued) {
                  outbox.insert(c, id, tenant, write(new Envelope(id, type, at, text)), at);
                }
                return new Published<>(data, text, queued);
              });
      streams.publish(new Event(id, type, at, tenant, done.text()));
      if (done.queued()) {
        deliver.run();
      }
      return done.data();
    } finally {
      lock.unlock();
    }
  }

  private record Published<T>(T data, String text, boolean queued) {}

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }
}
