package io.baton.bench;

import io.baton.routing.RateIndex;
import io.baton.store.Database;
import io.baton.store.DatabaseConfig;
import io.baton.store.RateDecks;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.Locale;

/**
 * Times a rate-deck import: generates a CSV of {@code rows} rows (default 1,000,000), imports it
 * into one carrier's deck through {@link RateDecks#importCsv} (what {@code PUT
 * /v1/admin/carriers/{name}/rates} runs), twice (the second replaces the first), then times reading
 * the whole deck into the route index (what the redirect server does after a change).
 *
 * <pre>java -cp ... io.baton.bench.DeckImportBench JDBC-URL [USER] [ROWS]</pre>
 */
public final class DeckImportBench {
  private DeckImportBench() {}

  public static void main(String[] args) throws Exception {
    String url = args.length > 0 ? args[0] : "jdbc:h2:file:./target/bench-h2/baton";
    String user = args.length > 1 ? args[1] : "";
    int rows = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    Path csv = Files.createTempFile("deck-", ".csv");
    try {
      write(csv, rows);
      System.out.printf(Locale.ROOT, "deck: %,d rows, %.1f MB%n", rows, Files.size(csv) / 1e6);
      try (Database db = Database.open(new DatabaseConfig(url, user, "", 4))) {
        db.withConnection(
            c -> {
              try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM carriers WHERE name = 'benchnet'");
                return s.executeUpdate("INSERT INTO carriers (name) VALUES ('benchnet')");
              }
            });
        RateDecks decks = new RateDecks(db);
        for (int run = 1; run <= 2; run++) {
          long started = System.nanoTime();
          RateDecks.ImportResult result;
          try (Reader in = Files.newBufferedReader(csv)) {
            result = decks.importCsv("benchnet", in, lines -> {});
          }
          double seconds = (System.nanoTime() - started) / 1e9;
          System.out.printf(
              Locale.ROOT,
              "import %d: %,d rows in %.1f s (%,.0f rows/s), committed %s%n",
              run,
              result.rows(),
              seconds,
              result.rows() / seconds,
              result.committed());
          started = System.nanoTime();
          long purged = decks.purgeReplaced("benchnet");
          System.out.printf(
              Locale.ROOT,
              "  then %,d rows of the replaced deck removed in %.1f s (after the import's answer)%n",
              purged,
              (System.nanoTime() - started) / 1e9);
        }
        long started = System.nanoTime();
        RateIndex index = decks.index();
        System.out.printf(
            Locale.ROOT,
            "index: %,d rows read and indexed in %.1f s%n",
            index.size(),
            (System.nanoTime() - started) / 1e9);
        db.withConnection(
            c -> {
              try (Statement s = c.createStatement()) {
                return s.executeUpdate("DELETE FROM carriers WHERE name = 'benchnet'");
              }
            });
      }
    } finally {
      Files.deleteIfExists(csv);
    }
  }

  private static void write(Path csv, int rows) throws IOException {
    java.util.Set<String> seen = new java.util.HashSet<>();
    try (BufferedWriter out = Files.newBufferedWriter(csv)) {
      out.write("prefix,rate,connection_fee,increment_first,increment_next,effective_date\n");
      Decks.generate(
          rows * 2,
          42,
          (carrier, digits, effective, rate, fee, first, next) -> {
            if (seen.size() < rows && seen.add(digits + effective)) {
              try {
                out.write(
                    String.format(
                        Locale.ROOT,
                        "%s,%d.%06d,%d.%06d,%d,%d,%s%n",
                        digits,
                        rate / 1_000_000,
                        rate % 1_000_000,
                        fee / 1_000_000,
                        fee % 1_000_000,
                        first,
                        next,
                        effective));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          });
    }
  }
}
