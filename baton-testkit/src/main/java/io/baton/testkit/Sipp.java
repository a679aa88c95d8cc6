package io.baton.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs SIPp (the {@code sip-tester} package) as an independent SIP peer, always bounded: every run
 * has a call count ({@code -m}) and a global timeout ({@code -timeout}, an error when reached), and
 * the runner kills a SIPp that outlives its timeout by {@link #KILL_GRACE}. Each run works in its
 * own temporary directory, where SIPp's statistics ({@code -trace_stat}), error log and output stay
 * for inspection.
 */
public final class Sipp {
  private static final Logger LOG = LoggerFactory.getLogger(Sipp.class);

  /** How long past its own timeout SIPp may take to exit before it is killed. */
  public static final Duration KILL_GRACE = Duration.ofSeconds(10);

  private static final String SCENARIOS = "sipp/";

  private Sipp() {}

  /** True if a {@code sipp} executable is on the PATH. */
  public static boolean available() {
    return executable().isPresent();
  }

  /** Skips the calling test unless SIPp is installed. */
  public static void assumeAvailable() {
    Assumptions.assumeTrue(available(), "sipp not on PATH: apt-get install sip-tester");
  }

  private static Optional<Path> executable() {
    return Executables.onPath("sipp");
  }

  /**
   * Runs SIPp to the end of {@code run} and returns what it left.
   *
   * @throws IllegalStateException if SIPp is not installed
   * @throws IllegalArgumentException if the scenario is neither a file nor one of this module's
   * @throws IOException if SIPp cannot be started or its output not read
   */
  public static SippResult run(SippRun run) throws IOException, InterruptedException {
    Path sipp =
        executable()
            .orElseThrow(
                () -> new IllegalStateException("sipp not on PATH: apt-get install sip-tester"));
    Path workDir = Files.createTempDirectory("sipp-");
    Path scenario = scenario(run.scenario(), workDir);
    Path stats = workDir.resolve("stats.csv");
    Path stdout = workDir.resolve("stdout.txt");
    Path stderr = workDir.resolve("stderr.txt");
    List<String> command = command(sipp, run, scenario, stats, workDir);
    LOG.info("running {} in {}", String.join(" ", command), workDir);
    Process process =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    String killed = "";
    Duration limit = run.timeout().plus(KILL_GRACE);
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      killed = "\n[runner] sipp still running after " + limit + ": killed\n";
      process.destroy();
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
    SippResult result =
        new SippResult(
            process.exitValue(),
            Files.readString(stdout),
            Files.readString(stderr) + killed,
            stats);
    LOG.info("{} ({})", result, run.scenario());
    return result;
  }

  static List<String> command(Path sipp, SippRun run, Path scenario, Path stats, Path workDir) {
    List<String> c = new ArrayList<>(List.of(sipp.toString()));
    if (run.target() != null) {
      c.add(run.target().toString());
    }
    c.addAll(List.of("-sf", scenario.toString()));
    c.addAll(List.of("-i", run.local().host(), "-p", Integer.toString(run.local().port())));
    c.addAll(List.of("-mi", run.local().host(), "-mp", Integer.toString(run.mediaPort())));
    if (run.rtpEcho()) {
      c.add("-rtp_echo");
    }
    if (run.service() != null) {
      c.addAll(List.of("-s", run.service()));
    }
    c.addAll(List.of("-m", Integer.toString(run.calls()), "-r", Integer.toString(run.rate())));
    c.addAll(List.of("-timeout", run.timeout().toSeconds() + "s", "-timeout_error"));
    c.addAll(List.of("-nostdin", "-trace_stat", "-stf", stats.toString()));
    c.addAll(List.of("-trace_err", "-error_file", workDir.resolve("errors.log").toString()));
    for (Map.Entry<String, String> key : run.keys().entrySet()) {
      c.addAll(List.of("-key", key.getKey(), key.getValue()));
    }
    for (Map.Entry<String, String> set : run.sets().entrySet()) {
      c.addAll(List.of("-set", set.getKey(), set.getValue()));
    }
    return c;
  }

  /** The scenario as a file: the path given, or this module's resource copied into workDir. */
  static Path scenario(String name, Path workDir) throws IOException {
    Path file = Paths.get(name);
    if (Files.isRegularFile(file)) {
      return file;
    }
    try (InputStream in = Sipp.class.getClassLoader().getResourceAsStream(SCENARIOS + name)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "scenario '" + name + "' is neither a file nor in " + SCENARIOS + " of baton-testkit");
      }
      Path copy = workDir.resolve(file.getFileName().toString());
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      return copy;
    }
  }
}
