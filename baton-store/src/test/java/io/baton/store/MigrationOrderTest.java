package io.baton.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Databases an earlier Baton left behind, in an H2 file like the lab's {@code data/baton}: the
 * migrations new to them run in version order, and one that would have to run below a version
 * already applied is refused instead of run late.
 */
class MigrationOrderTest {
  @TempDir Path dir;

  private DatabaseConfig config() {
    return new DatabaseConfig("jdbc:h2:file:" + dir.resolve("baton"), "", "", 2);
  }

  /** Flyway as an earlier Baton ran it on {@link #config()}, from {@code locations}. */
  private FluentConfiguration earlierBaton(String locations) {
    DatabaseConfig config = config();
    return Flyway.configure()
        .dataSource(config.url(), config.user(), config.password())
        .locations(locations);
  }

  @Test
  void aDatabaseAtAnEarlierVersionTakesTheRestInOrderAndKeepsItsData() throws SQLException {
    earlierBaton("classpath:db/migration").target("5").load().migrate();
    try (Connection c = DriverManager.getConnection(config().url());
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO tenants (id, name) VALUES ('acme', 'ACME Corp')");
    }

    try (Database db = Database.open(config())) {
      assertThat(new Directory(db).tenantExists("acme")).isTrue();
      assertThat(StoreContract.appliedMigrations(db))
          .containsExactly("1", "2", "3", "4", "5", "6", "8");
    }
  }

  @Test
  void aMigrationBelowOneAlreadyAppliedIsRefusedNotRunLate() throws Exception {
    Path without5 = Files.createDirectory(dir.resolve("without-v5"));
    for (Path sql : migrations()) {
      if (!sql.getFileName().toString().startsWith("V5__")) {
        Files.copy(sql, without5.resolve(sql.getFileName()));
      }
    }
    earlierBaton("filesystem:" + without5).load().migrate();

    assertThatThrownBy(() -> Database.open(config()))
        .isInstanceOf(FlywayException.class)
        .hasMessageContaining("not applied");
    assertThat(applied()).containsExactly("1", "2", "3", "4", "6", "8");
  }

  /** The migrations Baton ships, as files. */
  private static List<Path> migrations() throws IOException, URISyntaxException {
    Path shipped = Path.of(Database.class.getResource("/db/migration").toURI());
    try (Stream<Path> files = Files.list(shipped)) {
      return files.filter(f -> f.toString().endsWith(".sql")).sorted().toList();
    }
  }

  /** The SQL migrations applied to {@link #config()}, read without opening (migrating) it. */
  private List<String> applied() throws SQLException {
    List<String> versions = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(config().url());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"type\" = 'SQL'"
                    + " ORDER BY \"installed_rank\"")) {
      while (rs.next()) {
        versions.add(rs.getString(1));
      }
    }
    return versions;
  }
}
