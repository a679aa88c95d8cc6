package io.baton.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pooled connection to Baton's database, migrated to the current schema when opened: the same
 * Flyway migrations run on the embedded H2 default and on PostgreSQL.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final HikariDataSource dataSource;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Opens the pool and applies pending migrations. */
  public static Database open(DatabaseConfig config) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(durable(config.url()));
    hc.setUsername(config.user());
    hc.setPassword(config.password());
    hc.setMaximumPoolSize(config.poolSize());
    hc.setPoolName("baton-db");
    if (config.url().startsWith("jdbc:postgresql:")) {
      hc.addDataSourceProperty("reWriteBatchedInserts", "true"); // multi-row INSERTs for imports
      // A commit returns once its WAL is flushed, whatever the server's default (docs/transfers.md,
      // "Durability").
      hc.addDataSourceProperty("options", "-c synchronous_commit=on");
    }
    HikariDataSource ds = new HikariDataSource(hc);
    try {
      var result =
          Flyway.configure()
              .dataSource(ds)
              // in order only: a version is taken when its change lands, so a lower one never
              // follows a higher one, and Flyway refuses a database where one would
              .locations("classpath:db/migration")
              .load()
              .migrate();
      LOG.info(
          "database {} at schema version {}", redact(config.url()), result.targetSchemaVersion);
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return new Database(ds);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  public <T> T inTransaction(SqlWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /** Runs {@code work} on one auto-committing connection. */
  public <T> T withConnection(SqlWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /**
   * An H2 file database writes each commit to its file before the commit returns (the MVStore
   * commits at once), not up to {@code WRITE_DELAY} (500 ms) later: a commit survives a kill -9 of
   * the process (docs/transfers.md, "Durability").
   */
  static String durable(String url) {
    return url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:")
        ? url.replaceAll("(?i);WRITE_DELAY=[^;]*", "") + ";WRITE_DELAY=0"
        : url;
  }

  static String redact(String url) {
    return url.replaceAll("password=[^;&]*", "password=***");
  }

  @Override
  public void close() {
    dataSource.close();
  }

  /** Work done with a connection. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }
}
