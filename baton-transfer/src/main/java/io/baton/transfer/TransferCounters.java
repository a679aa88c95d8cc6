package io.baton.transfer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * How many transfers each tenant started in the last minute: a sliding window of start times per
 * tenant, in this server's memory (one node; a cluster would count across nodes). A tenant's
 * requests are admitted one at a time, so two at once cannot both take the last place of a cap.
 */
final class TransferCounters {
  static final Duration WINDOW = Duration.ofMinutes(1);

  private final Clock clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  TransferCounters(Clock clock) {
    this.clock = clock;
  }

  /** One tenant's starts within the window; used only while holding its lock. */
  final class Window {
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Instant> starts = new ArrayDeque<>();

    /** Starts within the last {@link #WINDOW}; older ones are forgotten. */
    int lastMinute() {
      Instant cutoff = clock.instant().minus(WINDOW);
      while (!starts.isEmpty() && !starts.peekFirst().isAfter(cutoff)) {
        starts.removeFirst();
      }
      return starts.size();
    }

    /** A transfer started now. */
    void started() {
      starts.addLast(clock.instant());
    }
  }

  /** Runs {@code admission} holding {@code tenant}'s window, alone among its requests. */
  <T> T admit(String tenant, Function<Window, T> admission) {
    Window window = windows.computeIfAbsent(tenant, t -> new Window());
    window.lock.lock();
    try {
      return admission.apply(window);
    } finally {
      window.lock.unlock();
    }
  }
}
