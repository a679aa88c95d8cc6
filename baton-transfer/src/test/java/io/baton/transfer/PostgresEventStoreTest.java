package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.store.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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

  /** Set by Baton's connections themselves, whatever the server's or database's default. */
  @Override
  void assertCommitsAreDurable(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT setting, source FROM pg_settings WHERE name = 'synchronous_commit'");
        ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("on");
      assertThat(rs.getString(2)).as("where the setting comes from").isEqualTo("client");
    }
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
