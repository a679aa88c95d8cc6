package io.baton.testkit;

import io.baton.sip.HostPort;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One bounded SIPp run: which scenario, against whom, how many calls at what rate, and how long at
 * most. Built with {@link #uac} or {@link #uas} and refined with the {@code with...} methods.
 *
 * @param scenario a scenario of this module ({@code uac-call-expect-200.xml}, from {@code
 *     src/main/resources/sipp/}) or a path to a scenario file
 * @param target where a UAC sends its calls; null for a UAS
 * @param local SIPp's own address ({@code -i}, {@code -p})
 * @param service the Request-URI user ({@code -s}); null leaves SIPp's default
 * @param calls how many calls before SIPp exits ({@code -m})
 * @param rate new calls per second ({@code -r})
 * @param keys {@code -key name value}: keywords replaced in the scenario's messages
 * @param sets {@code -set name value}: the scenario's global variables (e.g. {@code hold})
 * @param timeout SIPp's own global timeout ({@code -timeout}, failing with {@code -timeout_error});
 *     the runner kills SIPp if it outlives it by {@link Sipp#KILL_GRACE}
 * @param mediaPort SIPp's RTP port ({@code -mp}), also what its SDP advertises
 * @param rtpEcho {@code -rtp_echo}: send received RTP back to its source
 */
public record SippRun(
    String scenario,
    HostPort target,
    HostPort local,
    String service,
    int calls,
    int rate,
    Map<String, String> keys,
    Map<String, String> sets,
    Duration timeout,
    int mediaPort,
    boolean rtpEcho) {

  /** The longest run allowed: SIPp never runs unbounded. */
  public static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  public SippRun {
    if (scenario == null || scenario.isBlank()) {
      throw new IllegalArgumentException("scenario: missing");
    }
    if (local == null) {
      throw new IllegalArgumentException("local: missing");
    }
    if (calls < 1) {
      throw new IllegalArgumentException("calls: " + calls + " is not at least 1");
    }
    if (rate < 1) {
      throw new IllegalArgumentException("rate: " + rate + " is not at least 1 call/s");
    }
    if (timeout == null || timeout.toSeconds() < 1 || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "timeout: " + timeout + " is not within 1s.." + MAX_TIMEOUT);
    }
    if (mediaPort < 1024 || mediaPort > 65535) {
      throw new IllegalArgumentException("mediaPort: " + mediaPort + " is not in 1024-65535");
    }
    keys = Map.copyOf(keys);
    sets = Map.copyOf(sets);
  }

  /** One call from SIPp at {@code local} to {@code target}, within 30 s. */
  public static SippRun uac(String scenario, HostPort target, HostPort local, int mediaPort) {
    if (target == null) {
      throw new IllegalArgumentException("target: missing for a UAC run");
    }
    return new SippRun(
        scenario,
        target,
        local,
        null,
        1,
        10,
        Map.of(),
        Map.of(),
        Duration.ofSeconds(30),
        mediaPort,
        false);
  }

  /** SIPp at {@code local} waiting for one call, within 30 s. */
  public static SippRun uas(String scenario, HostPort local, int mediaPort) {
    return new SippRun(
        scenario,
        null,
        local,
        null,
        1,
        10,
        Map.of(),
        Map.of(),
        Duration.ofSeconds(30),
        mediaPort,
        false);
  }

  public SippRun withCalls(int count, int perSecond) {
    return new SippRun(
        scenario, target, local, service, count, perSecond, keys, sets, timeout, mediaPort,
        rtpEcho);
  }

  public SippRun withService(String user) {
    return new SippRun(
        scenario, target, local, user, calls, rate, keys, sets, timeout, mediaPort, rtpEcho);
  }

  public SippRun withKey(String name, String value) {
    return new SippRun(
        scenario,
        target,
        local,
        service,
        calls,
        rate,
        plus(keys, name, value),
        sets,
        timeout,
        mediaPort,
        rtpEcho);
  }

  public SippRun withSet(String name, String value) {
    return new SippRun(
        scenario,
        target,
        local,
        service,
        calls,
        rate,
        keys,
        plus(sets, name, value),
        timeout,
        mediaPort,
        rtpEcho);
  }

  public SippRun withTimeout(Duration limit) {
    return new SippRun(
        scenario, target, local, service, calls, rate, keys, sets, limit, mediaPort, rtpEcho);
  }

  public SippRun withRtpEcho() {
    return new SippRun(
        scenario, target, local, service, calls, rate, keys, sets, timeout, mediaPort, true);
  }

  private static Map<String, String> plus(Map<String, String> map, String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(map);
    copy.put(name, value);
    return copy;
  }
}
