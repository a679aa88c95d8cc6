package io.baton.bench;

import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import io.baton.routing.Carrier;
import io.baton.routing.CarrierRoute;
import io.baton.routing.CarrierStatus;
import io.baton.routing.LeastCostRouter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A least-cost route lookup (what the redirect server does per INVITE to a PSTN number) over a deck
 * of {@code rows} rows from five carriers: longest prefix per carrier, effective dates, cost of a
 * typical call, ordering. Sample mode, so JMH reports percentiles (p99).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx2g"})
public class LcrLookupBenchmark {
  @Param({"1000000"})
  int rows;

  private LeastCostRouter router;
  private String[] numbers;
  private int next;

  @Setup(Level.Trial)
  public void build() {
    List<Carrier> carriers =
        Arrays.stream(Decks.CARRIERS)
            .map(c -> new Carrier(c, "gw-" + c + ":5060", CallerId.KEEP, RedirectInfo.NONE))
            .toList();
    router = new LeastCostRouter(carriers, Decks.index(rows, 42), 60);
    numbers = Decks.numbers(1 << 16, 7);
  }

  @Benchmark
  public List<CarrierRoute> lookup() {
    String number = numbers[next++ & (numbers.length - 1)];
    return router.routes(number, Decks.TODAY, CarrierStatus.IDLE);
  }
}
