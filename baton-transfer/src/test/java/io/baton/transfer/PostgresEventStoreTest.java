package io.baton.transfer;

import io.baton.store.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The event store tests on PostgreSQL at {@value #URL} (user {@code postgres}), in a schema of
 * their own created for the class and dropped after it; skipped when PostgreSQL does not answer.
 */
class PostgresEventStoreTest extends EventStoreContract {
  static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
  static final String USER = "postgres";
  private final String schema =
      "baton_e_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());

  @Override
  String unavailable() {
    try (Connection c = DriverManager.getConnection(URL + "?connectTimeout=3", USER, "")) {
      return null;
    } catch (SQLException e) {
      return "PostgreSQL not reachable at "
          + URL
          + " as "
          + USER
          + " ("
          + e.getMessage()
          + "): skipped";
    }
  }

  @Override
  DatabaseConfig createDatabase() {
    execute("CREATE SCHEMA " + schema);
    return new DatabaseConfig(URL + "?currentSchema=" + schema, USER, "", 10);
  }

  @Override
  void dropDatabase() {
    execute("DROP SCHEMA " + schema + " CASCADE");
  }

  private static void execute(String statement) {
    try (Connection c = DriverManager.getConnection(URL, USER, "");
        Statement s = c.createStatement()) {
      s.execute(statement);
    } catch (SQLException e) {
      throw new IllegalStateException(statement, e);
    }
  }
}
