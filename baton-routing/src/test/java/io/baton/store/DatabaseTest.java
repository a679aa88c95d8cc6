package io.baton.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatabaseTest {
  @Test
  void migratesAnEmptyH2Database() {
    try (Database db = Database.open(DatabaseConfig.inMemory("migrate-test"))) {
      int tables =
          db.withConnection(
              c -> {
                try (var rs =
                    c.createStatement()
                        .executeQuery(
                            "SELECT COUNT(*) FROM information_schema.tables WHERE LOWER(table_name) IN"
                                + " ('tenants','api_keys','dids','targets','carriers','carrier_rates','transfers','transfer_history')")) {
                  rs.next();
                  return rs.getInt(1);
                }
              });
      assertThat(tables).isEqualTo(8);
    }
  }
}
