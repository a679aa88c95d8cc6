package io.baton.routing.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.baton.routing.RateDeckCsv;
import java.io.IOException;
import java.io.StringReader;

/**
 * Any text uploaded as a rate deck ({@code PUT /v1/admin/carriers/{name}/rates}, {@code bin/baton
 * routes import}): it reads as rows and bad lines, line numbers never go back, every bad line says
 * what is wrong, every row is an E.164 prefix with a rate, and reading ends; nothing throws.
 */
class RateDeckCsvFuzzTest {

  @FuzzTest(maxDuration = "15s")
  void anyDeck(@NotNull String deck) throws IOException {
    try (RateDeckCsv.Lines lines = RateDeckCsv.read("fuzznet", new StringReader(deck))) {
      long last = 0;
      for (RateDeckCsv.Line line = lines.next(); line != null; line = lines.next()) {
        assertThat(line.number()).isGreaterThanOrEqualTo(last);
        last = line.number();
        switch (line.parsed()) {
          case RateDeckCsv.Parsed.Row row -> {
            assertThat(row.rate().prefix()).startsWith("+");
            assertThat(row.rate().carrier()).isEqualTo("fuzznet");
          }
          case RateDeckCsv.Parsed.Bad bad -> assertThat(bad.problem()).isNotBlank();
        }
      }
    }
  }
}
