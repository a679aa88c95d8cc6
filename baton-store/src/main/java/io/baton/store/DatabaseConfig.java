package io.baton.store;

import java.util.Objects;

/**
 * Where Baton keeps its data.
 *
 * @param url JDBC URL: {@code jdbc:h2:file:./data/baton} (embedded default) or {@code
 *     jdbc:postgresql://host:5432/db}
 * @param user database user (empty for H2's default)
 * @param password database password (may be empty)
 * @param poolSize connections kept open
 */
public record DatabaseConfig(String url, String user, String password, int poolSize) {
  public DatabaseConfig {
    Objects.requireNonNull(url, "database.url");
    if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "database.url: '" + url + "' is neither jdbc:h2: nor jdbc:postgresql:");
    }
    user = user == null ? "" : user;
    password = password == null ? "" : password;
    if (poolSize < 1 || poolSize > 100) {
      throw new IllegalArgumentException("database.poolSize: " + poolSize + " is not in 1..100");
    }
  }

  /** An in-memory H2 database that lives as long as the pool (tests). */
  public static DatabaseConfig inMemory(String name) {
    return new DatabaseConfig("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "", "", 4);
  }
}
