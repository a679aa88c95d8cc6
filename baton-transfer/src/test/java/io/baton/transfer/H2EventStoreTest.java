package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.store.DatabaseConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The event store tests on an H2 file database, as the lab keeps its data. */
class H2EventStoreTest extends EventStoreContract {
  private Path dir;

  @Override
  String unavailable() {
    return null;
  }

  @Override
  DatabaseConfig createDatabase() {
    try {
      dir = Files.createTempDirectory("baton-events");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new DatabaseConfig("jdbc:h2:file:" + dir.resolve("baton"), "", "", 4);
  }

  @Override
  void dropDatabase() {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The MVStore writes each commit to the file before returning: no WRITE_DELAY. */
  @Override
  void assertCommitsAreDurable(Connection c) throws SQLException {
    List<String> delays = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                    + " WHERE SETTING_NAME = 'WRITE_DELAY'");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        delays.add(rs.getString(1));
      }
    }
    assertThat(delays).isNotEmpty().containsOnly("0");
  }
}
