package io.baton.app;

import io.baton.app.config.BatonConfig;
import io.baton.app.config.ConfigException;
import io.baton.callcenter.AgentHttpConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code baton agent transfer --agent alice --to target:support}: what an agent's desktop does, a
 * request to the call center's agents' endpoint ({@code callcenter.http.listen}) with its key
 * ({@code callcenter.http.key}), which then asks Baton.
 */
@Command(
    name = "agent",
    description = "Act as one of the call center's agents.",
    subcommands = {AgentCommand.Transfer.class})
final class AgentCommand implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  @Command(
      name = "transfer",
      description =
          "Ask the call center to have Baton transfer the caller the agent talks to;"
              + " prints the call center's answer (Baton's transfer, or a problem).")
  static final class Transfer implements Callable<Integer> {
    @CommandLine.Mixin Main.ConfigOption config = new Main.ConfigOption();

    @Option(names = "--agent", required = true, description = "agent name, e.g. alice")
    String agent;

    @Option(
        names = "--to",
        required = true,
        description = "target:<name>, a sip: URI or a number, e.g. target:support")
    String to;

    @Override
    public Integer call() throws InterruptedException {
      BatonConfig cfg = config.load();
      if (cfg.callcenter() == null) {
        throw new ConfigException("callcenter: the configuration has no call center");
      }
      return transfer(cfg.callcenter().http(), agent, to, System.out);
    }
  }

  /**
   * POSTs {@code {"to": to}} to {@code /agents/{agent}/transfer} at {@code http.listen()}, with its
   * key.
   *
   * @return 0 if the call center answered 202, else 1
   */
  static int transfer(AgentHttpConfig http, String agent, String to, PrintStream out)
      throws InterruptedException {
    String body = "{\"to\":\"" + to.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    URI uri =
        URI.create(
            "http://"
                + http.listen()
                + "/agents/"
                + URLEncoder.encode(agent, StandardCharsets.UTF_8)
                + "/transfer");
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(uri)
                      .timeout(Duration.ofSeconds(40))
                      .header("Content-Type", "application/json")
                      .header("Authorization", "Bearer " + http.key())
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      out.println(response.statusCode() + " " + response.body());
      return response.statusCode() == 202 ? 0 : 1;
    } catch (IOException e) {
      out.println("cannot reach the call center at " + uri + ": " + e);
      return 1;
    }
  }
}
