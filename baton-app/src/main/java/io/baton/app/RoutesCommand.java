package io.baton.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code baton routes import deck.csv --carrier NAME}: sends a rate deck to the admin API ({@code
 * PUT /v1/admin/carriers/{name}/rates}) with a progress bar. Through the API rather than straight
 * to the database: the same checks, per-line report and all-or-nothing commit as any other client,
 * no database credentials on the operator's machine, and the deck's version is bumped where the
 * redirect server looks for it.
 */
@Command(
    name = "routes",
    description = "Routing data through the admin API.",
    subcommands = {RoutesCommand.Import.class})
final class RoutesCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(
      name = "import",
      description =
          "Replace a carrier's rate deck with a CSV file"
              + " (prefix,rate,connection_fee,increment_first,increment_next,effective_date).")
  static final class Import implements Callable<Integer> {
    @Parameters(paramLabel = "DECK.csv", description = "the rate deck")
    Path deck;

    @Option(names = "--carrier", required = true, description = "the carrier whose deck it is")
    String carrier;

    @Option(
        names = "--api",
        defaultValue = "http://127.0.0.1:8080",
        description = "the transfer server's API (default: ${DEFAULT-VALUE})")
    URI api;

    @Option(
        names = "--key",
        defaultValue = "${env:BATON_ADMIN_KEY}",
        description = "an admin API key (default: $BATON_ADMIN_KEY)")
    String key;

    @Override
    public Integer call() throws IOException, InterruptedException {
      PrintStream err = System.err;
      if (key == null || key.isBlank()) {
        err.println("baton: an admin key is needed: --key KEY or BATON_ADMIN_KEY");
        return 2;
      }
      if (!Files.isReadable(deck)) {
        err.println("baton: cannot read " + deck);
        return 2;
      }
      long size = Files.size(deck);
      Progress progress = new Progress(size, err);
      URI uri =
          api.resolve(
              "/v1/admin/carriers/"
                  + URLEncoder.encode(carrier, StandardCharsets.UTF_8)
                  + "/rates");
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .header("Authorization", "Bearer " + key)
              .header("Content-Type", "text/csv; charset=utf-8")
              .timeout(Duration.ofMinutes(30))
              .PUT(
                  HttpRequest.BodyPublishers.fromPublisher(
                      HttpRequest.BodyPublishers.ofInputStream(() -> progress.counting(open(deck))),
                      size))
              .build();
      HttpResponse<String> response;
      try (HttpClient http = HttpClient.newHttpClient()) {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        progress.done();
        err.println("baton: " + api + ": " + e.getMessage());
        return 1;
      }
      progress.done();
      return report(response, System.out, err);
    }

    private static InputStream open(Path deck) {
      try {
        return Files.newInputStream(deck);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    private int report(HttpResponse<String> response, PrintStream out, PrintStream err)
        throws IOException {
      JsonNode body = new ObjectMapper().readTree(response.body());
      if (response.statusCode() == 200) {
        out.printf(Locale.ROOT, "%s: %,d rows imported%n", carrier, body.path("rows").asLong());
        return 0;
      }
      err.println("baton: " + body.path("detail").asText(response.body()));
      for (JsonNode e : body.path("errors")) {
        err.println("  line " + e.path("line").asLong() + ": " + e.path("problem").asText());
      }
      return 1;
    }
  }

  /**
   * A progress bar on the terminal, fed by the bytes read from the deck as they are sent: the
   * server reads the body as it imports, so sending runs at import speed.
   */
  static final class Progress {
    private static final int WIDTH = 30;
    private final long total;
    private final PrintStream out;
    private final long started = System.nanoTime();
    private long bytes;
    private long lines;
    private long shownAt;

    Progress(long total, PrintStream out) {
      this.total = total;
      this.out = out;
    }

    InputStream counting(InputStream in) {
      return new FilterInputStream(in) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          if (b >= 0) {
            seen(new byte[] {(byte) b}, 0, 1);
          }
          return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
          int n = super.read(buffer, off, len);
          if (n > 0) {
            seen(buffer, off, n);
          }
          return n;
        }
      };
    }

    private synchronized void seen(byte[] buffer, int off, int n) {
      bytes += n;
      for (int i = off; i < off + n; i++) {
        if (buffer[i] == '\n') {
          lines++;
        }
      }
      long now = System.nanoTime();
      if (now - shownAt > 200_000_000L || bytes == total) {
        shownAt = now;
        show();
      }
    }

    private void show() {
      int percent = total == 0 ? 100 : (int) (bytes * 100 / total);
      int filled = percent * WIDTH / 100;
      out.printf(
          Locale.ROOT,
          "\r%3d%% [%s%s] %,d lines, %.1f/%.1f MB, %d s",
          percent,
          "#".repeat(filled),
          " ".repeat(WIDTH - filled),
          lines,
          bytes / 1e6,
          total / 1e6,
          (System.nanoTime() - started) / 1_000_000_000L);
    }

    synchronized void done() {
      show();
      out.println();
    }
  }
}
