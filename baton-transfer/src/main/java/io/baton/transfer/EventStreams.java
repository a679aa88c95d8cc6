package io.baton.transfer;

import io.baton.store.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live subscribers of {@code GET /v1/events}: each gets the events its principal may see, in
 * the order they were published. A subscriber that falls {@value #BACKLOG} events behind is dropped
 * (its stream ends; the client reconnects) rather than let it hold memory without bound.
 */
final class EventStreams implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);
  static final int BACKLOG = 1024;

  /** Put in a queue to end its stream. */
  private static final Event END = new Event(-1, "end", Instant.EPOCH, "", "");

  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** One open stream. */
  final class Subscription implements AutoCloseable {
    private final Principal who;
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(BACKLOG);
    private volatile boolean over;

    private Subscription(Principal who) {
      this.who = who;
    }

    /**
     * The next event, waiting at most {@code wait}.
     *
     * @return the event; null if none came in time (time for a heartbeat)
     * @throws Ended once the stream is over (server closing, or this subscriber too slow)
     */
    Event next(Duration wait) throws InterruptedException, Ended {
      if (over) {
        throw new Ended();
      }
      Event e = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (e == END || over) {
        throw new Ended();
      }
      return e;
    }

    private void offer(Event e) {
      if (!who.mayAct(e.tenant())) {
        return;
      }
      if (!queue.offer(e)) {
        LOG.warn("event stream of {} is {} events behind: closed", who, BACKLOG);
        end();
      }
    }

    private void end() {
      over = true;
      queue.offer(END); // wakes the reader if there is room; else it sees `over` on its next poll
    }

    @Override
    public void close() {
      subscriptions.remove(this);
    }
  }

  /** The stream is over. */
  static final class Ended extends Exception {
    Ended() {
      super(null, null, false, false);
    }
  }

  Subscription subscribe(Principal who) {
    Subscription s = new Subscription(who);
    subscriptions.add(s);
    if (closed) {
      s.end();
    }
    return s;
  }

  /** Whether any open stream may see events of {@code tenant}. */
  boolean anyFor(String tenant) {
    return subscriptions.stream().anyMatch(s -> s.who.mayAct(tenant));
  }

  /** Hands {@code event} to every subscriber that may see it; never blocks. */
  void publish(Event event) {
    for (Subscription s : subscriptions) {
      s.offer(event);
    }
  }

  /** Ends every stream. */
  @Override
  public void close() {
    closed = true;
    subscriptions.forEach(Subscription::end);
  }
}
