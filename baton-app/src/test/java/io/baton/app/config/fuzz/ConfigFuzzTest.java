package io.baton.app.config.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.baton.app.config.BatonConfig;
import io.baton.app.config.ConfigException;
import io.baton.app.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes as a configuration file: Baton starts from it or refuses it with a {@link
 * ConfigException} (what {@code bin/baton} prints as "baton: ..." and exits 2 on), never with
 * another exception, however the YAML, the keys or the values are broken.
 */
class ConfigFuzzTest {
  private static final ConfigLoader LOADER = new ConfigLoader();
  private static final Path FILE = tempFile();

  @FuzzTest(maxDuration = "15s")
  void anyConfig(@NotNull byte[] yaml) throws IOException {
    Files.write(FILE, yaml);
    try {
      LOADER.load(FILE, BatonConfig.class);
    } catch (ConfigException refused) {
      // what an operator is told, naming the key
    }
  }

  private static Path tempFile() {
    try {
      Path file = Files.createTempFile("baton-config-fuzz", ".yaml");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
