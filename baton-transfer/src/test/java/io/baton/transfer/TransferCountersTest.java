package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Each tenant's starts in a sliding minute, on a clock the test moves. */
class TransferCountersTest {
  private final TestClock clock = TestClock.frozen();
  private final TransferCounters counters = new TransferCounters(clock);

  private int lastMinute(String tenant) {
    return counters.admit(tenant, TransferCounters.Window::lastMinute);
  }

  private void start(String tenant) {
    counters.admit(
        tenant,
        w -> {
          w.started();
          return null;
        });
  }

  @Test
  void startsCountForSixtySecondsPerTenant() {
    start("acme");
    clock.advance(Duration.ofSeconds(30));
    start("acme");
    start("globex");
    assertThat(lastMinute("acme")).isEqualTo(2);
    assertThat(lastMinute("globex")).isEqualTo(1);

    clock.advance(Duration.ofSeconds(29));
    assertThat(lastMinute("acme")).isEqualTo(2);
    clock.advance(Duration.ofSeconds(1)); // the first is 60 s old: out of the window
    assertThat(lastMinute("acme")).isEqualTo(1);
    clock.advance(Duration.ofSeconds(30));
    assertThat(lastMinute("acme")).isZero();
    assertThat(lastMinute("nobody")).isZero();
  }

  @Test
  void requestsOfOneTenantAreAdmittedOneAtATime() throws Exception {
    int threads = 16;
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger admitted = new AtomicInteger();
    List<Thread> all = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      all.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    counters.admit(
                        "acme",
                        w -> {
                          if (w.lastMinute() < 5) {
                            Thread.yield(); // a race would show here
                            w.started();
                            admitted.incrementAndGet();
                          }
                          return null;
                        });
                  }));
    }
    go.countDown();
    for (Thread t : all) {
      t.join();
    }
    assertThat(admitted).hasValue(5);
    assertThat(lastMinute("acme")).isEqualTo(5);
  }
}
