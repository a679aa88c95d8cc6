package io.baton.bench;

import io.baton.routing.RateIndex;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Synthetic rate decks shaped like real ones: prefixes of 3 to 9 digits under every country code
 * digit, several carriers quoting overlapping prefixes, a few future rows.
 */
final class Decks {
  static final String[] CARRIERS = {"alpha", "bravo", "charlie", "delta", "echo"};
  static final LocalDate TODAY = LocalDate.of(2026, 11, 26);

  private Decks() {}

  /** One CSV line of row {@code i} of a deck generated from {@code seed}. */
  interface Row {
    void accept(
        String carrier,
        String digits,
        LocalDate effective,
        long rateMicros,
        long feeMicros,
        int first,
        int next);
  }

  /** {@code rows} rows, carriers round-robin, the same for the same seed. */
  static void generate(int rows, long seed, Row out) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < rows; i++) {
      int length = 3 + random.nextInt(7);
      StringBuilder digits = new StringBuilder(length).append(1 + random.nextInt(9));
      for (int d = 1; d < length; d++) {
        digits.append(random.nextInt(10));
      }
      LocalDate effective =
          random.nextInt(20) == 0 ? TODAY.plusDays(30) : TODAY.minusDays(random.nextInt(400));
      boolean perMinute = random.nextInt(4) == 0;
      out.accept(
          CARRIERS[i % CARRIERS.length],
          digits.toString(),
          effective,
          1_000 + random.nextInt(200_000),
          random.nextInt(3) == 0 ? random.nextInt(20_000) : 0,
          perMinute ? 60 : 1 + random.nextInt(30),
          perMinute ? 60 : 1 + random.nextInt(6));
    }
  }

  /** The same deck as an index. */
  static RateIndex index(int rows, long seed) {
    RateIndex.Builder b = RateIndex.builder();
    generate(
        rows,
        seed,
        (c, digits, eff, rate, fee, first, next) ->
            b.add(c, "+" + digits, eff, rate, fee, first, next));
    return b.build();
  }

  /** Random 11-digit E.164 numbers. */
  static String[] numbers(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String[] out = new String[count];
    for (int i = 0; i < count; i++) {
      out[i] =
          "+" + (1 + random.nextInt(9)) + String.format("%010d", random.nextLong(10_000_000_000L));
    }
    return out;
  }
}
