package io.baton.sip;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Virtual time for timer tests: a {@link Clock} and a {@link ScheduledExecutorService} whose tasks
 * run on the test's thread, in time order, only when {@link #advance} moves the clock past them. A
 * test of a 4-hour timer takes microseconds and never sleeps.
 */
public final class ManualTime {
  private final List<Task> tasks = new ArrayList<>();
  private final AtomicLong sequence = new AtomicLong();
  private final Scheduler scheduler = new Scheduler();
  private final Clock clock = new ManualClock();
  private Instant now;

  public ManualTime(Instant start) {
    this.now = start;
  }

  public ManualTime() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  public Clock clock() {
    return clock;
  }

  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  public synchronized Instant now() {
    return now;
  }

  /** Tasks scheduled and neither run (one-shot) nor cancelled. */
  public synchronized int pending() {
    return (int) tasks.stream().filter(t -> !t.isCancelled()).count();
  }

  /** Moves the clock by {@code by}, running every task that falls due on the way, in order. */
  public void advance(Duration by) {
    Instant target;
    synchronized (this) {
      target = now.plus(by);
    }
    while (true) {
      Task next;
      synchronized (this) {
        tasks.removeIf(Task::isCancelled);
        next =
            tasks.stream()
                .filter(t -> !t.due.isAfter(target))
                .min(Comparator.comparing((Task t) -> t.due).thenComparingLong(t -> t.seq))
                .orElse(null);
        if (next == null) {
          now = target;
          return;
        }
        now = next.due;
        if (next.period == null) {
          tasks.remove(next);
        } else {
          next.due = next.due.plus(next.period);
        }
      }
      next.run();
    }
  }

  private synchronized Task add(Callable<?> body, Duration delay, Duration period) {
    Task task = new Task(body, now.plus(delay.isNegative() ? Duration.ZERO : delay), period);
    tasks.add(task);
    return task;
  }

  private final class ManualClock extends Clock {
    @Override
    public Instant instant() {
      return now();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final class Task implements ScheduledFuture<Object> {
    private final Callable<?> body;
    private final Duration period;
    private final long seq;
    private Instant due;
    private volatile boolean cancelled;
    private volatile boolean done;
    private Object result;

    Task(Callable<?> body, Instant due, Duration period) {
      this.body = body;
      this.due = due;
      this.period = period;
      this.seq = sequence.getAndIncrement();
    }

    void run() {
      if (cancelled) {
        return;
      }
      try {
        result = body.call();
      } catch (Exception e) {
        throw new IllegalStateException("scheduled task failed", e);
      }
      if (period == null) {
        done = true;
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(Duration.between(now(), due));
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done) {
        return false;
      }
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      return result;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return result;
    }
  }

  private final class Scheduler extends AbstractExecutorService
      implements ScheduledExecutorService {
    private volatile boolean shutdown;

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      return add(Executors.callable(command), Duration.of(delay, unit.toChronoUnit()), null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
      return (ScheduledFuture<V>) add(callable, Duration.of(delay, unit.toChronoUnit()), null);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(
        Runnable command, long initialDelay, long period, TimeUnit unit) {
      return add(
          Executors.callable(command),
          Duration.of(initialDelay, unit.toChronoUnit()),
          Duration.of(period, unit.toChronoUnit()));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(
        Runnable command, long initialDelay, long delay, TimeUnit unit) {
      return scheduleAtFixedRate(command, initialDelay, delay, unit);
    }

    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
