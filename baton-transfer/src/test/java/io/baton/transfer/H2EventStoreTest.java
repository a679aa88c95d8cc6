package io.baton.transfer;

import io.baton.store.DatabaseConfig;

/** The event store tests on an in-memory H2 database. */
class H2EventStoreTest extends EventStoreContract {
  @Override
  String unavailable() {
    return null;
  }

  @Override
  DatabaseConfig createDatabase() {
    return DatabaseConfig.inMemory("events-" + System.nanoTime());
  }

  @Override
  void dropDatabase() {}
}
