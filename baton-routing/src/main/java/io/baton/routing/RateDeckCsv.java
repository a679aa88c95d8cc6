package io.baton.routing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.Closeable;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A rate deck in CSV (RFC 4180, read by Jackson's CSV parser: quoted fields, CRLF or LF, a UTF-8
 * byte order mark): {@code prefix,rate,connection_fee,increment_first,increment_next,
 * effective_date} ({@code 1646,0.0040,0,60,6,2026-01-01}), optionally after that header line. The
 * prefix may carry a {@code +}; an empty fee is 0, empty increments 1, an empty date "always".
 * Blank lines are skipped. Plain code, no I/O of its own.
 */
public final class RateDeckCsv {
  /** The header line a deck may start with. */
  public static final String HEADER =
      "prefix,rate,connection_fee,increment_first,increment_next,effective_date";

  private static final List<String> COLUMNS = List.of(HEADER.split(","));
  private static final Pattern DIGITS = Pattern.compile("\\+?[0-9]{1,15}");
  private static final BigDecimal MAX_MONEY = new BigDecimal("1000000");
  private static final int MAX_INCREMENT = 3600;
  private static final char BOM = '\uFEFF';
  private static final CsvFactory CSV =
      CsvFactory.builder()
          .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
          .disable(CsvParser.Feature.ALLOW_TRAILING_COMMA)
          .build();

  private RateDeckCsv() {}

  /** A line read: a rate, or what is wrong with it. */
  public sealed interface Parsed {
    record Row(Rate rate) implements Parsed {}

    record Bad(String problem) implements Parsed {}
  }

  /** One record of a deck and the (1-based) line it starts on. */
  public record Line(long number, Parsed parsed) {}

  /** Reads {@code carrier}'s deck record by record; the caller closes it. */
  public static Lines read(String carrier, Reader deck) throws IOException {
    PushbackReader in = new PushbackReader(deck, 1);
    int first = in.read();
    if (first >= 0 && first != BOM) {
      in.unread(first);
    }
    return new Lines(carrier, CSV.createParser(in));
  }

  /**
   * A deck's records in order. A record that is not CSV at all (a quote never closed) is reported
   * as a bad line, and reading stops there: nothing after it can be trusted to be a record.
   */
  public static final class Lines implements Closeable {
    private final String carrier;
    private final JsonParser parser;
    private boolean first = true;
    private boolean broken;
    private long lastLine;

    private Lines(String carrier, JsonParser parser) {
      this.carrier = carrier;
      this.parser = parser;
    }

    /** The next record, or null at the end. */
    public Line next() throws IOException {
      while (!broken) {
        long line = parser.currentLocation().getLineNr();
        List<String> fields = new ArrayList<>(COLUMNS.size());
        try {
          if (parser.nextToken() == null) {
            return null;
          }
          for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            if (fields.isEmpty()) {
              line = parser.currentTokenLocation().getLineNr(); // where the record starts
            }
            fields.add(parser.getText());
          }
        } catch (StreamReadException e) {
          broken = true;
          return new Line(line, new Parsed.Bad("not CSV: " + e.getOriginalMessage()));
        }
        lastLine = line;
        boolean header = first && isHeader(fields);
        first = false;
        if (!header && !blank(fields)) {
          return new Line(line, parse(carrier, fields));
        }
      }
      return null;
    }

    /** Lines read so far (the parser stands at the start of the next one). */
    public long linesRead() {
      return Math.max(parser.currentLocation().getLineNr() - 1, lastLine);
    }

    @Override
    public void close() throws IOException {
      parser.close();
    }
  }

  private static boolean blank(List<String> fields) {
    return fields.stream().allMatch(String::isBlank);
  }

  /** True if {@code fields} are the header's (case and spaces aside). */
  public static boolean isHeader(List<String> fields) {
    return fields.size() == COLUMNS.size()
        && fields.stream().map(f -> f.strip().toLowerCase(Locale.ROOT)).toList().equals(COLUMNS);
  }

  /** Reads one record of {@code carrier}'s deck: the six fields, in the header's order. */
  public static Parsed parse(String carrier, List<String> f) {
    if (f.size() != COLUMNS.size()) {
      return new Parsed.Bad("expected 6 fields (" + HEADER + "), got " + f.size());
    }
    try {
      String prefix = f.get(0).strip();
      if (!DIGITS.matcher(prefix).matches()) {
        return new Parsed.Bad("prefix: '" + prefix + "' is not 1 to 15 digits");
      }
      return new Parsed.Row(
          new Rate(
              carrier,
              prefix.startsWith("+") ? prefix : "+" + prefix,
              date(f.get(5).strip()),
              money("rate", f.get(1).strip(), null),
              money("connection_fee", f.get(2).strip(), BigDecimal.ZERO),
              increment("increment_first", f.get(3).strip()),
              increment("increment_next", f.get(4).strip())));
    } catch (IllegalArgumentException e) {
      return new Parsed.Bad(e.getMessage());
    }
  }

  private static BigDecimal money(String field, String text, BigDecimal empty) {
    if (text.isEmpty() && empty != null) {
      return empty.setScale(6);
    }
    BigDecimal value;
    try {
      value = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + ": '" + text + "' is not a number");
    }
    if (value.signum() < 0 || value.compareTo(MAX_MONEY) >= 0) {
      throw new IllegalArgumentException(field + ": " + text + " is not in 0..999999.999999");
    }
    if (value.stripTrailingZeros().scale() > 6) {
      throw new IllegalArgumentException(field + ": " + text + " has more than 6 decimals");
    }
    return value.setScale(6);
  }

  private static int increment(String field, String text) {
    if (text.isEmpty()) {
      return 1;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= 1 && value <= MAX_INCREMENT) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        field + ": '" + text + "' is not whole seconds in 1.." + MAX_INCREMENT);
  }

  private static LocalDate date(String text) {
    if (text.isEmpty()) {
      return Rate.ALWAYS;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("effective_date: '" + text + "' is not a date yyyy-mm-dd");
    }
  }
}
