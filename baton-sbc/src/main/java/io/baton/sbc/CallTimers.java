package io.baton.sbc;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One call's timers on the shared scheduler, each under a key. A timer's action runs on the call's
 * queue, and only if that timer is still armed then: one cancelled or re-armed after it fired but
 * before its turn on the queue does nothing, so the call never sees a stale timeout. The call
 * cancels them all when it ends; with a scheduler that removes cancelled tasks, nothing of the call
 * stays behind.
 */
final class CallTimers {
  private record Armed(Object token, ScheduledFuture<?> future) {}

  private final ScheduledExecutorService scheduler;
  private final Executor queue;
  private final Map<Object, Armed> armed = new ConcurrentHashMap<>();

  /**
   * @param queue where actions run: the call's queue
   */
  CallTimers(ScheduledExecutorService scheduler, Executor queue) {
    this.scheduler = scheduler;
    this.queue = queue;
  }

  /** Arms timer {@code key} to run {@code action} once after {@code delay}, replacing any other. */
  void once(Object key, Duration delay, Runnable action) {
    Object token = new Object();
    cancel(key);
    ScheduledFuture<?> future =
        scheduler.schedule(
            () -> queue.execute(() -> fire(key, token, action, false)),
            delay.toMillis(),
            TimeUnit.MILLISECONDS);
    armed.put(key, new Armed(token, future));
  }

  /** Arms timer {@code key} to run {@code action} every {@code period} until cancelled. */
  void every(Object key, Duration period, Runnable action) {
    Object token = new Object();
    cancel(key);
    long millis = Math.max(1, period.toMillis());
    ScheduledFuture<?> future =
        scheduler.scheduleWithFixedDelay(
            () -> queue.execute(() -> fire(key, token, action, true)),
            millis,
            millis,
            TimeUnit.MILLISECONDS);
    armed.put(key, new Armed(token, future));
  }

  /** Disarms timer {@code key}, if armed. */
  void cancel(Object key) {
    Armed a = armed.remove(key);
    if (a != null) {
      a.future().cancel(false);
    }
  }

  /** Disarms every timer whose key {@code keep} does not accept. */
  void cancelAllExcept(Predicate<Object> keep) {
    for (Object key : List.copyOf(armed.keySet())) {
      if (!keep.test(key)) {
        cancel(key);
      }
    }
  }

  boolean armed(Object key) {
    return armed.containsKey(key);
  }

  /** Timers armed now. */
  int count() {
    return armed.size();
  }

  private void fire(Object key, Object token, Runnable action, boolean repeating) {
    Armed a = armed.get(key);
    if (a == null || a.token() != token) {
      return; // cancelled or re-armed while this firing waited for the queue
    }
    if (!repeating) {
      armed.remove(key);
    }
    action.run();
  }
}
