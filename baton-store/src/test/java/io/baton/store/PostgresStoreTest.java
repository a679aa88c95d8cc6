package io.baton.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The store tests on PostgreSQL at {@value #URL} (user {@code postgres}), in a schema of their own
 * created for the class and dropped after it; skipped when PostgreSQL does not answer there.
 */
class PostgresStoreTest extends StoreContract {
  static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
  static final String USER = "postgres";
  private final String schema =
      "baton_t_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());

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
    try (Connection c = DriverManager.getConnection(URL, USER, "")) {
      execute(c, "CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema " + schema, e);
    }
    return config();
  }

  @Override
  DatabaseConfig config() {
    return new DatabaseConfig(URL + "?currentSchema=" + schema, USER, "", 2);
  }

  @Override
  void dropDatabase() {
    try (Connection c = DriverManager.getConnection(URL, USER, "")) {
      execute(c, "DROP SCHEMA " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop schema " + schema, e);
    }
  }
}
