package io.baton.routing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every carrier's rate deck in one immutable index for least-cost routing: a hash of prefixes (each
 * prefix's rows of every carrier and date chained behind it) over primitive arrays, so a lookup
 * costs one probe per digit of the number and no allocation but its answer. A deck of a million
 * rows takes about 70 MB.
 */
public final class RateIndex {
  /** What a deck prefix looks like: {@code +} and up to 15 digits ({@code +} alone: everything). */
  public static final Pattern PREFIX = Pattern.compile("\\+[0-9]{0,15}");

  private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);

  private final List<String> carriers;
  private final PrefixTable table;
  private final int[] next;
  private final int[] carrier;
  private final long[] key;
  private final int[] day;
  private final long[] rateMicros;
  private final long[] feeMicros;
  private final int[] incrementFirst;
  private final int[] incrementNext;

  private RateIndex(Builder b) {
    this.carriers = List.copyOf(b.carrierNames);
    int n = b.size;
    this.carrier = Arrays.copyOf(b.carrier, n);
    this.key = Arrays.copyOf(b.key, n);
    this.day = Arrays.copyOf(b.day, n);
    this.rateMicros = Arrays.copyOf(b.rateMicros, n);
    this.feeMicros = Arrays.copyOf(b.feeMicros, n);
    this.incrementFirst = Arrays.copyOf(b.incrementFirst, n);
    this.incrementNext = Arrays.copyOf(b.incrementNext, n);
    this.next = new int[n];
    this.table = new PrefixTable(n);
    for (int i = 0; i < n; i++) {
      next[i] = table.put(key[i], i);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** An index of {@code rates}. */
  public static RateIndex of(List<Rate> rates) {
    Builder b = builder();
    rates.forEach(b::add);
    return b.build();
  }

  public int size() {
    return carrier.length;
  }

  /** Carrier names, by the carrier numbers {@link #lookup} answers with. */
  public List<String> carriers() {
    return carriers;
  }

  /**
   * For each carrier (by its number in {@link #carriers()}), the row that prices {@code e164} on
   * {@code date}: of its rows in effect that day (the latest effective date of each prefix), the
   * one with the longest prefix of the number; -1 for a carrier whose deck does not reach it.
   */
  public int[] lookup(String e164, LocalDate date) {
    int[] chosen = new int[carriers.size()];
    Arrays.fill(chosen, -1);
    int digits = e164.length() - 1;
    if (digits < 0 || e164.charAt(0) != '+') {
      return chosen;
    }
    long[] keys = new long[Math.min(digits, 15) + 1];
    keys[0] = 1;
    for (int len = 1; len < keys.length; len++) {
      int d = e164.charAt(len) - '0';
      if (d < 0 || d > 9) {
        return chosen;
      }
      keys[len] = keys[len - 1] * 10 + d;
    }
    long today = date.toEpochDay();
    int found = 0;
    for (int len = keys.length - 1; len >= 0 && found < chosen.length; len--) {
      // rows of this prefix: per carrier the latest in effect, if it has none longer
      for (int i = table.get(keys[len]); i >= 0; i = next[i]) {
        int c = carrier[i];
        int was = chosen[c];
        if (day[i] > today || (was >= 0 && key[was] != keys[len])) {
          continue;
        }
        if (was < 0) {
          chosen[c] = i;
          found++;
        } else if (day[i] > day[was]) {
          chosen[c] = i;
        }
      }
    }
    return chosen;
  }

  /** Row {@code i} as a rate. */
  public Rate rate(int i) {
    return new Rate(
        carriers.get(carrier[i]),
        prefix(key[i]),
        LocalDate.ofEpochDay(day[i]),
        money(rateMicros[i]),
        money(feeMicros[i]),
        incrementFirst[i],
        incrementNext[i]);
  }

  /** What a call of {@code seconds} costs under row {@code i}, in millionths. */
  public long costMicros(int i, long seconds) {
    return Billing.costMicros(
        rateMicros[i], feeMicros[i], incrementFirst[i], incrementNext[i], seconds);
  }

  static BigDecimal money(long micros) {
    return BigDecimal.valueOf(micros, 6);
  }

  static long micros(BigDecimal money) {
    return money.setScale(6, RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
  }

  private static String prefix(long key) {
    return "+" + Long.toString(key).substring(1);
  }

  /** Collects rows, then {@link #build()}s the index (not thread-safe). */
  public static final class Builder {
    private final Map<String, Integer> carrierNumbers = new HashMap<>();
    private final java.util.ArrayList<String> carrierNames = new java.util.ArrayList<>();
    private int size;
    private int[] carrier = new int[16];
    private long[] key = new long[16];
    private int[] day = new int[16];
    private long[] rateMicros = new long[16];
    private long[] feeMicros = new long[16];
    private int[] incrementFirst = new int[16];
    private int[] incrementNext = new int[16];

    private Builder() {}

    public Builder add(Rate rate) {
      return add(
          rate.carrier(),
          rate.prefix(),
          rate.effective(),
          micros(rate.perMinute()),
          micros(rate.connectionFee()),
          rate.incrementFirst(),
          rate.incrementNext());
    }

    /**
     * Adds a row, prices in millionths.
     *
     * @throws IllegalArgumentException if the prefix is not {@code +} and up to 15 digits
     */
    public Builder add(
        String carrierName,
        String prefix,
        LocalDate effective,
        long rate,
        long fee,
        int first,
        int next) {
      if (!PREFIX.matcher(prefix).matches()) {
        throw new IllegalArgumentException("'" + prefix + "' is not + and up to 15 digits");
      }
      if (size == carrier.length) {
        grow();
      }
      long k = 1;
      for (int i = 1; i < prefix.length(); i++) {
        k = k * 10 + (prefix.charAt(i) - '0');
      }
      carrier[size] =
          carrierNumbers.computeIfAbsent(
              carrierName,
              name -> {
                carrierNames.add(name);
                return carrierNames.size() - 1;
              });
      key[size] = k;
      day[size] = Math.toIntExact(effective.toEpochDay());
      rateMicros[size] = rate;
      feeMicros[size] = fee;
      incrementFirst[size] = first;
      incrementNext[size] = next;
      size++;
      return this;
    }

    private void grow() {
      int n = carrier.length * 2;
      carrier = Arrays.copyOf(carrier, n);
      key = Arrays.copyOf(key, n);
      day = Arrays.copyOf(day, n);
      rateMicros = Arrays.copyOf(rateMicros, n);
      feeMicros = Arrays.copyOf(feeMicros, n);
      incrementFirst = Arrays.copyOf(incrementFirst, n);
      incrementNext = Arrays.copyOf(incrementNext, n);
    }

    public RateIndex build() {
      return new RateIndex(this);
    }
  }

  /** Open addressing from a prefix key to its newest row; keys are never 0. */
  private static final class PrefixTable {
    private final long[] keys;
    private final int[] rows;
    private final int mask;

    PrefixTable(int rows) {
      int capacity = Integer.highestOneBit(Math.max(2, rows) * 2 - 1) << 1;
      this.keys = new long[capacity];
      this.rows = new int[capacity];
      this.mask = capacity - 1;
    }

    /** Sets {@code key}'s row to {@code row}; answers the row it had, or -1. */
    int put(long key, int row) {
      int at = slot(key);
      while (keys[at] != 0 && keys[at] != key) {
        at = (at + 1) & mask;
      }
      int was = keys[at] == 0 ? -1 : rows[at];
      keys[at] = key;
      rows[at] = row;
      return was;
    }

    int get(long key) {
      int at = slot(key);
      while (keys[at] != 0) {
        if (keys[at] == key) {
          return rows[at];
        }
        at = (at + 1) & mask;
      }
      return -1;
    }

    private int slot(long key) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32)) & mask;
    }
  }
}
