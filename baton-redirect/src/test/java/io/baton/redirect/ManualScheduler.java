package io.baton.redirect;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose periodic tasks run only when the test says so ({@link #runPeriodic()}), so a
 * reload happens exactly when a test wants it instead of after a sleep.
 */
final class ManualScheduler extends ScheduledThreadPoolExecutor {
  private final List<Runnable> periodic = new CopyOnWriteArrayList<>();
  private volatile Duration lastDelay;

  ManualScheduler() {
    super(1);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable task, long initialDelay, long delay, TimeUnit unit) {
    periodic.add(task);
    lastDelay = Duration.of(delay, unit.toChronoUnit());
    // a future that never fires on its own, so cancelling the task still works
    return schedule(() -> {}, 1, TimeUnit.DAYS);
  }

  /** Runs every periodic task once, on the calling thread. */
  void runPeriodic() {
    periodic.forEach(Runnable::run);
  }

  /** The delay of the last periodic task scheduled. */
  Duration lastDelay() {
    return lastDelay;
  }
}
