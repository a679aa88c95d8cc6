package io.baton.app;

import io.baton.app.config.BatonConfig;
import io.baton.app.config.ConfigException;
import io.baton.app.config.ConfigLoader;
import io.baton.registry.Call;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Baton's command line: {@code baton lab}, {@code baton run <element>}, {@code baton check}, {@code
 * baton agent transfer}, {@code baton routes import}.
 */
@Command(
    name = "baton",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT, // --help and --version on every subcommand too
    version = "baton 0.1.0",
    description = "Reroutes live SIP calls through out-of-band signalling.",
    subcommands = {
      Main.LabCommand.class,
      Main.RunCommand.class,
      Main.CheckCommand.class,
      AgentCommand.class,
      RoutesCommand.class
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line; the exit status (tests and the testkit call this). */
  public static int run(String... args) {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              if (e instanceof ConfigException) {
                cmd.getErr().println("baton: " + e.getMessage());
                return 2;
              }
              throw e;
            })
        .execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  static Path defaultConfig() {
    String home = System.getProperty("baton.home", ".");
    return Path.of(home, "config", "lab.yaml");
  }

  /** Options every command that reads configuration shares. */
  static class ConfigOption {
    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "configuration file (default: config/lab.yaml)")
    Path file;

    BatonConfig load() {
      return load(null);
    }

    /** The configuration named by {@code positional} (a command's FILE argument), else -c. */
    BatonConfig load(Path positional) {
      if (positional != null && file != null && !positional.equals(file)) {
        throw new ConfigException(
            "two configuration files given (" + positional + " and --config " + file + ")");
      }
      Path chosen = positional != null ? positional : file != null ? file : defaultConfig();
      return new ConfigLoader().load(chosen, BatonConfig.class);
    }
  }

  @Command(
      name = "lab",
      description = "Run the whole network on loopback (every element of the configuration).")
  static final class LabCommand implements Callable<Integer> {
    @CommandLine.Mixin ConfigOption config = new ConfigOption();

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "configuration file, as -c")
    Path file;

    @Option(names = "--quiet", description = "do not print a line per new call")
    boolean quiet;

    @Override
    public Integer call() throws InterruptedException {
      BatonConfig cfg = config.load(file);
      Node node = Node.start(cfg, Set.of(), Clock.systemUTC());
      return serve(node, quiet ? null : System.out);
    }
  }

  @Command(name = "run", description = "Run one element of the configuration.")
  static final class RunCommand implements Callable<Integer> {
    @CommandLine.Mixin ConfigOption config = new ConfigOption();

    @Parameters(paramLabel = "ELEMENT", description = "element name, e.g. proxy or sbc-edge")
    String element;

    @Override
    public Integer call() throws InterruptedException {
      Node node = Node.start(config.load(), Set.of(element), Clock.systemUTC());
      return serve(node, null);
    }
  }

  @Command(name = "check", description = "Validate a configuration and list its elements.")
  static final class CheckCommand implements Callable<Integer> {
    @CommandLine.Mixin ConfigOption config = new ConfigOption();

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "configuration file, as -c")
    Path file;

    @Override
    public Integer call() {
      BatonConfig cfg = config.load(file);
      System.out.println("configuration is valid; elements: " + String.join(", ", cfg.elements()));
      return 0;
    }
  }

  /** Prints what runs, then waits for Ctrl-C, which stops every element cleanly. */
  private static int serve(Node node, PrintStream calls) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  stopped.countDown();
                },
                "baton-shutdown"));
    System.out.print(Banner.describe(node));
    if (calls != null) {
      announceNewCalls(node, calls);
    }
    stopped.await();
    return 0;
  }

  /** One line per new call with the curl that transfers it. */
  private static void announceNewCalls(Node node, PrintStream out) {
    Set<String> seen =
        Collections.newSetFromMap(
            Collections.synchronizedMap(
                new LinkedHashMap<String, Boolean>() {
                  @Override
                  protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 10_000;
                  }
                }));
    node.callRegistry()
        .ifPresent(
            registry ->
                registry.addListener(
                    id -> {
                      if (seen.add(id)) {
                        Call call = registry.find(id).orElse(null);
                        if (call != null) {
                          out.println(Banner.newCall(node, call));
                        }
                      }
                    }));
  }
}
