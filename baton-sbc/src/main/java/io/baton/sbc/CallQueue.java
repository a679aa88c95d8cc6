package io.baton.sbc;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one call's work one task at a time, in the order it was submitted, on virtual threads. BYE,
 * CANCEL, REFER and responses reach a call on different stack threads; funnelling them through this
 * queue means a call's state is only ever touched by one task at a time, and stack threads never
 * wait for a call.
 */
final class CallQueue implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(CallQueue.class);

  private final String name;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();

  CallQueue(String name) {
    this.name = name;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  /**
   * Runs {@code task} on the queue and waits for its result. Only for threads that may block
   * (virtual threads dialling), never from a task of this queue.
   */
  <T> T call(Supplier<T> task) {
    return CompletableFuture.supplyAsync(task, this).join();
  }

  private void schedule() {
    if (!tasks.isEmpty() && draining.compareAndSet(false, true)) {
      Thread.ofVirtual().name("call-" + name).start(this::drain);
    }
  }

  private void drain() {
    try {
      for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.error("call {}: task failed", name, e);
        }
      }
    } finally {
      draining.set(false);
      schedule();
    }
  }
}
