package io.baton.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a SIPp run left: its exit status (0: every call succeeded; 1: some failed; 97/99 and
 * negative: SIPp stopped abnormally; 137/143: killed by the runner's backstop), its output, and its
 * statistics file ({@code -trace_stat}, a {@code ;}-separated CSV whose last line holds the
 * cumulative counters at exit). Counts are read from that file, not from the screen.
 */
public record SippResult(int exitCode, String stdout, String stderr, Path statsFile) {

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** Calls that reached the end of the scenario ({@code SuccessfulCall(C)}); 0 without stats. */
  public long successfulCalls() {
    return stat("SuccessfulCall(C)").map(Long::parseLong).orElse(0L);
  }

  /** Calls that failed, for any reason ({@code FailedCall(C)}); 0 without stats. */
  public long failedCalls() {
    return stat("FailedCall(C)").map(Long::parseLong).orElse(0L);
  }

  /**
   * The mean of a response time the scenario measures with {@code rtd}, e.g. {@code "setup"} in
   * {@code uac-call-expect-200.xml}: INVITE sent to 200 received.
   */
  public Optional<Duration> responseTime(String rtd) {
    return stat("ResponseTime" + rtd + "(C)").map(SippResult::parseDuration);
  }

  /**
   * A cumulative counter of the statistics file by its column name, e.g. {@code
   * Retransmissions(C)}.
   */
  public Optional<String> stat(String column) {
    List<String> lines = lines();
    if (lines.size() < 2) {
      return Optional.empty();
    }
    List<String> names = List.of(lines.get(0).split(";"));
    String[] last = lines.get(lines.size() - 1).split(";");
    int index = names.indexOf(column);
    return index < 0 || index >= last.length ? Optional.empty() : Optional.of(last[index].trim());
  }

  private List<String> lines() {
    if (statsFile == null || !Files.isRegularFile(statsFile)) {
      return List.of();
    }
    try {
      return Files.readAllLines(statsFile).stream().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIPp writes durations as {@code HH:MM:SS:uuuuuu}. */
  private static Duration parseDuration(String text) {
    String[] p = text.split(":");
    if (p.length != 4) {
      throw new IllegalArgumentException("'" + text + "' is not HH:MM:SS:uuuuuu");
    }
    return Duration.ofHours(Long.parseLong(p[0]))
        .plusMinutes(Long.parseLong(p[1]))
        .plusSeconds(Long.parseLong(p[2]))
        .plusNanos(Long.parseLong(p[3]) * 1000);
  }

  @Override
  public String toString() {
    return "SIPp exit "
        + exitCode
        + ", "
        + successfulCalls()
        + " successful, "
        + failedCalls()
        + " failed calls"
        + (stderr.isBlank() ? "" : "; stderr: " + stderr.strip());
  }
}
