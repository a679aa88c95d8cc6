package io.baton.sbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.sip.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A call's timers in virtual time: they fire through the call's queue, and never when stale. */
class CallTimersTest {
  private final ManualTime time = new ManualTime();
  private final List<Runnable> queue = new ArrayList<>();
  private final CallTimers timers = new CallTimers(time.scheduler(), queue::add);
  private final List<String> fired = new ArrayList<>();

  private void drainQueue() {
    while (!queue.isEmpty()) {
      queue.remove(0).run();
    }
  }

  private void advance(Duration by) {
    time.advance(by);
    drainQueue();
  }

  @Test
  void aTimerFiresOnceAtItsTimeThenIsGone() {
    timers.once("ack", Duration.ofSeconds(32), () -> fired.add("ack"));
    advance(Duration.ofSeconds(31));
    assertThat(fired).isEmpty();
    assertThat(timers.count()).isEqualTo(1);
    advance(Duration.ofSeconds(1));
    assertThat(fired).containsExactly("ack");
    assertThat(timers.count()).isZero();
    assertThat(time.pending()).isZero();
  }

  @Test
  void reArmingReplacesTheTimer() {
    timers.once("session", Duration.ofSeconds(60), () -> fired.add("first"));
    advance(Duration.ofSeconds(50));
    timers.once("session", Duration.ofSeconds(60), () -> fired.add("second"));
    advance(Duration.ofSeconds(59));
    assertThat(fired).isEmpty();
    advance(Duration.ofSeconds(1));
    assertThat(fired).containsExactly("second");
    assertThat(time.pending()).isZero();
  }

  @Test
  void aFiringThatWaitedInTheQueueWhileItsTimerWasCancelledDoesNothing() {
    timers.once("ack", Duration.ofSeconds(32), () -> fired.add("ack"));
    time.advance(Duration.ofSeconds(32)); // fired: its task waits on the call's queue
    assertThat(queue).hasSize(1);
    timers.cancel("ack"); // the ACK was handled first
    drainQueue();
    assertThat(fired).isEmpty();
  }

  @Test
  void aRepeatingTimerRunsUntilCancelled() {
    timers.every("media", Duration.ofSeconds(30), () -> fired.add("check"));
    advance(Duration.ofSeconds(95));
    assertThat(fired).hasSize(3);
    timers.cancel("media");
    advance(Duration.ofMinutes(5));
    assertThat(fired).hasSize(3);
    assertThat(time.pending()).isZero();
  }

  @Test
  void endingTheCallDisarmsEveryTimerButTheKeptOnes() {
    timers.once("ack", Duration.ofSeconds(32), () -> fired.add("ack"));
    timers.once("duration", Duration.ofHours(4), () -> fired.add("duration"));
    timers.every("media", Duration.ofSeconds(30), () -> fired.add("check"));
    timers.once(42, Duration.ofSeconds(40), () -> fired.add("reaper"));
    timers.cancelAllExcept(key -> key instanceof Integer);
    assertThat(timers.count()).isEqualTo(1);
    advance(Duration.ofHours(5));
    assertThat(fired).containsExactly("reaper");
    assertThat(timers.count()).isZero();
    assertThat(time.pending()).isZero();
  }
}
