package io.baton.store;

import java.util.UUID;

/** The store tests on the embedded default: a private in-memory H2 database. */
class H2StoreTest extends StoreContract {
  private final DatabaseConfig config = DatabaseConfig.inMemory("store-" + UUID.randomUUID());

  @Override
  String unavailable() {
    return null; // embedded
  }

  @Override
  DatabaseConfig createDatabase() {
    return config;
  }

  @Override
  DatabaseConfig config() {
    return config;
  }

  @Override
  void dropDatabase() {
    try (var c = java.sql.DriverManager.getConnection(config.url());
        var s = c.createStatement()) {
      s.execute("SHUTDOWN");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
