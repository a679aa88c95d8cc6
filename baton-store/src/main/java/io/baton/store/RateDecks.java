package io.baton.store;

import io.baton.routing.Rate;
import io.baton.routing.RateDeckCsv;
import io.baton.routing.RateIndex;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Carriers' rate decks: read whole into a {@link RateIndex}, priced for one number (call records),
 * changed row by row, or replaced by a CSV import. Every change bumps {@code rate_deck_version}.
 */
public final class RateDecks {
  /** Rows per JDBC batch of an import. */
  static final int BATCH = 5_000;

  /** SQLState of a unique or primary key violation, on H2 and PostgreSQL alike. */
  private static final String UNIQUE_VIOLATION = "23505";

  /** Errors an import reports line by line; it counts the rest. */
  public static final int MAX_REPORTED_ERRORS = 100;

  private static final String COLUMNS =
      "carrier, prefix, effective_date, rate_per_minute, connection_fee, increment_first,"
          + " increment_next";

  /** The rows of every carrier's current deck. */
  private static final String CURRENT =
      "SELECT r.carrier, r.prefix, r.effective_date, r.rate_per_minute, r.connection_fee,"
          + " r.increment_first, r.increment_next FROM rate_deck r"
          + " JOIN carriers c ON c.name = r.carrier AND c.deck = r.deck";

  private final Database db;

  public RateDecks(Database db) {
    this.db = db;
  }

  /** The decks' version: it changes whenever any row does. */
  public long version() {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT version FROM rate_deck_version WHERE id = 1");
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
          }
        });
  }

  static void bumpVersion(Connection c) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE rate_deck_version SET version = version + 1 WHERE id = 1")) {
      ps.executeUpdate();
    }
  }

  /** Every row of every deck, indexed; read in one transaction, streamed (not held as rows). */
  public RateIndex index() {
    return db.inTransaction(
        c -> {
          RateIndex.Builder b = RateIndex.builder();
          try (PreparedStatement ps = c.prepareStatement(CURRENT)) {
            ps.setFetchSize(10_000); // PostgreSQL streams only with a fetch size, in a transaction
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                b.add(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getDate(3).toLocalDate(),
                    micros(rs.getBigDecimal(4)),
                    micros(rs.getBigDecimal(5)),
                    rs.getInt(6),
                    rs.getInt(7));
              }
            }
          }
          return b.build();
        });
  }

  private static long micros(BigDecimal money) {
    return money.setScale(6).unscaledValue().longValueExact();
  }

  /**
   * The row of {@code carrier}'s deck that prices {@code e164} on {@code date}: the longest prefix
   * of the number with a row in effect, its latest such row.
   */
  public Optional<Rate> rate(String carrier, String e164, LocalDate date) {
    Rate best = null;
    for (Rate r : pricing(e164, date, carrier)) {
      if (best == null
          || r.prefix().length() > best.prefix().length()
          || (r.prefix().length() == best.prefix().length()
              && r.effective().isAfter(best.effective()))) {
        best = r;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The rows of every carrier's current deck that can price {@code e164} on {@code date} (those of
   * its prefixes in effect by then), indexed: least-cost routing for one number without reading
   * whole decks.
   */
  public RateIndex index(String e164, LocalDate date) {
    return RateIndex.of(pricing(e164, date, null));
  }

  /** The rows for prefixes of {@code e164} in effect on {@code date}, of one carrier or all. */
  private List<Rate> pricing(String e164, LocalDate date, String carrier) {
    if (e164 == null || !RateIndex.PREFIX.matcher(e164).matches()) {
      return List.of();
    }
    List<String> prefixes = new ArrayList<>();
    for (int len = 1; len <= e164.length(); len++) {
      prefixes.add(e164.substring(0, len));
    }
    String marks = String.join(", ", java.util.Collections.nCopies(prefixes.size(), "?"));
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  CURRENT
                      + " WHERE r.effective_date <= ? AND r.prefix IN ("
                      + marks
                      + ")"
                      + (carrier == null ? "" : " AND r.carrier = ?"))) {
            ps.setDate(1, Date.valueOf(date));
            for (int i = 0; i < prefixes.size(); i++) {
              ps.setString(2 + i, prefixes.get(i));
            }
            if (carrier != null) {
              ps.setString(2 + prefixes.size(), carrier);
            }
            List<Rate> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(rate(rs));
              }
            }
            return out;
          }
        });
  }

  /** {@code carrier}'s rows by prefix and date, {@code limit} from {@code offset}. */
  public List<Rate> rows(String carrier, String prefixStart, int offset, int limit) {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  CURRENT
                      + " WHERE r.carrier = ? AND r.prefix LIKE ?"
                      + " ORDER BY r.prefix, r.effective_date LIMIT ? OFFSET ?")) {
            ps.setString(1, carrier);
            ps.setString(2, (prefixStart == null ? "" : prefixStart) + "%");
            ps.setInt(3, limit);
            ps.setInt(4, offset);
            List<Rate> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(rate(rs));
              }
            }
            return out;
          }
        });
  }

  /** How many rows {@code carrier}'s deck has. */
  public long count(String carrier) {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM rate_deck r JOIN carriers c ON c.name = r.carrier"
                      + " AND c.deck = r.deck WHERE r.carrier = ?")) {
            ps.setString(1, carrier);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  private static Rate rate(ResultSet rs) throws SQLException {
    return new Rate(
        rs.getString(1),
        rs.getString(2),
        rs.getDate(3).toLocalDate(),
        rs.getBigDecimal(4),
        rs.getBigDecimal(5),
        rs.getInt(6),
        rs.getInt(7));
  }

  /**
   * Creates or replaces the row of {@code rate}'s carrier, prefix and effective date.
   *
   * @return true if it was created
   */
  public boolean put(Rate rate) {
    return db.inTransaction(
        c -> {
          boolean existed = delete(c, rate.carrier(), rate.prefix(), rate.effective());
          try (PreparedStatement ps = insert(c)) {
            bind(ps, rate, currentDeck(c, rate.carrier(), false));
            ps.executeUpdate();
          }
          bumpVersion(c);
          return !existed;
        });
  }

  /** Deletes one row; false if there was none. */
  public boolean delete(String carrier, String prefix, LocalDate effective) {
    return db.inTransaction(
        c -> {
          boolean deleted = delete(c, carrier, prefix, effective);
          if (deleted) {
            bumpVersion(c);
          }
          return deleted;
        });
  }

  private static boolean delete(Connection c, String carrier, String prefix, LocalDate effective)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM rate_deck WHERE carrier = ? AND prefix = ? AND effective_date = ?"
                + " AND deck = (SELECT deck FROM carriers WHERE name = ?)")) {
      ps.setString(1, carrier);
      ps.setString(2, prefix);
      ps.setDate(3, Date.valueOf(effective));
      ps.setString(4, carrier);
      return ps.executeUpdate() > 0;
    }
  }

  /**
   * The number of {@code carrier}'s current deck, its row locked against a concurrent import if
   * {@code lock}.
   *
   * @throws IllegalArgumentException if there is no such carrier
   */
  static int currentDeck(Connection c, String carrier, boolean lock) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT deck FROM carriers WHERE name = ?" + (lock ? " FOR UPDATE" : ""))) {
      ps.setString(1, carrier);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalArgumentException("no carrier '" + carrier + "'");
        }
        return rs.getInt(1);
      }
    }
  }

  private static PreparedStatement insert(Connection c) throws SQLException {
    return c.prepareStatement(
        "INSERT INTO rate_deck (" + COLUMNS + ", deck) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  }

  private static void bind(PreparedStatement ps, Rate rate, int deck) throws SQLException {
    ps.setInt(8, deck);
    ps.setString(1, rate.carrier());
    ps.setString(2, rate.prefix());
    ps.setDate(3, Date.valueOf(rate.effective()));
    ps.setBigDecimal(4, rate.perMinute());
    ps.setBigDecimal(5, rate.connectionFee());
    ps.setInt(6, rate.incrementFirst());
    ps.setInt(7, rate.incrementNext());
  }

  /**
   * What an import did: the rows it wrote (0 unless every line was good), and the lines it refused.
   *
   * @param errors the first {@link #MAX_REPORTED_ERRORS} bad lines
   * @param errorCount every bad line
   */
  public record ImportResult(long rows, List<LineError> errors, long errorCount) {
    public boolean committed() {
      return errorCount == 0;
    }
  }

  /** A refused line, 1-based (the header is line 1 when present). */
  public record LineError(long line, String problem) {}

  /**
   * Removes the rows of decks {@code carrier} no longer uses (replaced by an import), in a
   * transaction of its own, so an import can answer before they are gone.
   *
   * @return the rows removed
   */
  public long purgeReplaced(String carrier) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM rate_deck WHERE carrier = ?"
                      + " AND deck <> (SELECT deck FROM carriers WHERE name = ?)")) {
            ps.setString(1, carrier);
            ps.setString(2, carrier);
            return (long) ps.executeUpdate();
          }
        });
  }

  /**
   * Replaces {@code carrier}'s whole deck with the CSV {@code deck} ({@link RateDeckCsv}), all or
   * nothing: one transaction writes the rows as a new deck, in batches as they are read, and makes
   * it the carrier's current one; rolled back if any line is bad or two lines name the same prefix
   * and date (the line of the second is reported). The replaced deck's rows stay, unused, until
   * {@link #purgeReplaced}.
   *
   * @param progress told the number of lines read so far, every batch
   * @throws IllegalArgumentException if there is no such carrier
   */
  public ImportResult importCsv(String carrier, Reader deck, LongConsumer progress) {
    return db.inTransaction(
        c -> {
          int next = currentDeck(c, carrier, true) + 1;
          Import run = new Import(c, next);
          try (RateDeckCsv.Lines lines = RateDeckCsv.read(carrier, deck)) {
            run.readAll(lines, progress);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          if (run.errorCount > 0) {
            c.rollback();
            return new ImportResult(0, List.copyOf(run.errors), run.errorCount);
          }
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE carriers SET deck = ? WHERE name = ?")) {
            ps.setInt(1, next);
            ps.setString(2, carrier);
            ps.executeUpdate();
          }
          bumpVersion(c);
          return new ImportResult(run.rows, List.of(), 0);
        });
  }

  /**
   * One import's writing: rows go in batches, each behind a savepoint so that a batch the database
   * refuses (a prefix and date named twice) can be taken back and its offending line found; after
   * the first error lines are only checked.
   */
  private static final class Import {
    private final Connection c;
    private final int deckNumber;
    private final List<RateDeckCsv.Line> batch = new ArrayList<>(BATCH);
    private final List<LineError> errors = new ArrayList<>();
    private long rows;
    private long errorCount;

    Import(Connection c, int deckNumber) {
      this.c = c;
      this.deckNumber = deckNumber;
    }

    void readAll(RateDeckCsv.Lines lines, LongConsumer progress) throws IOException, SQLException {
      long reported = 0;
      for (RateDeckCsv.Line line = lines.next(); line != null; line = lines.next()) {
        switch (line.parsed()) {
          case RateDeckCsv.Parsed.Row row -> {
            rows++;
            if (errorCount == 0) {
              batch.add(line);
            }
          }
          case RateDeckCsv.Parsed.Bad bad -> error(line.number(), bad.problem());
        }
        if (batch.size() == BATCH) {
          flush();
        }
        if (lines.linesRead() - reported >= BATCH) {
          reported = lines.linesRead();
          progress.accept(reported);
        }
      }
      if (errorCount == 0) {
        flush();
      }
      progress.accept(lines.linesRead());
    }

    private void error(long line, String problem) {
      errorCount++;
      batch.clear();
      if (errors.size() < MAX_REPORTED_ERRORS) {
        errors.add(new LineError(line, problem));
      }
    }

    private void flush() throws SQLException {
      if (batch.isEmpty()) {
        return;
      }
      Savepoint before = c.setSavepoint();
      try (PreparedStatement ps = insert(c)) {
        for (RateDeckCsv.Line line : batch) {
          bind(ps, rate(line), deckNumber);
          ps.addBatch();
        }
        ps.executeBatch();
        batch.clear();
      } catch (SQLException e) {
        c.rollback(before);
        if (!UNIQUE_VIOLATION.equals(sqlState(e))) {
          throw e;
        }
        RateDeckCsv.Line twice = firstRepeated();
        Rate rate = rate(twice);
        error(
            twice.number(),
            "prefix "
                + rate.prefix()
                + (rate.effective().equals(Rate.ALWAYS)
                    ? " (no effective date)"
                    : " effective " + rate.effective())
                + " is named on an earlier line too");
      }
    }

    /** The first line of the refused batch whose prefix and date an earlier line named. */
    private RateDeckCsv.Line firstRepeated() throws SQLException {
      Set<String> seen = new HashSet<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT 1 FROM rate_deck WHERE carrier = ? AND deck = ? AND prefix = ?"
                  + " AND effective_date = ?")) {
        for (RateDeckCsv.Line line : batch) {
          Rate rate = rate(line);
          if (!seen.add(rate.prefix() + " " + rate.effective())) {
            return line;
          }
          ps.setString(1, rate.carrier());
          ps.setInt(2, deckNumber);
          ps.setString(3, rate.prefix());
          ps.setDate(4, Date.valueOf(rate.effective()));
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              return line;
            }
          }
        }
      }
      throw new IllegalStateException("a batch was refused as a repeat but no line repeats");
    }

    private static Rate rate(RateDeckCsv.Line line) {
      return ((RateDeckCsv.Parsed.Row) line.parsed()).rate();
    }
  }

  /** The SQLState of {@code e} or of the first exception it chains (batches wrap theirs). */
  private static String sqlState(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      if (x.getSQLState() != null) {
        return x.getSQLState();
      }
    }
    return e.getCause() instanceof SQLException cause ? cause.getSQLState() : null;
  }
}
