package io.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.sip.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SIPp command line a run becomes: always bounded, carrying what the run asks for. */
class SippRunTest {
  private static final HostPort TARGET = HostPort.parse("127.0.0.1:5060");
  private static final HostPort LOCAL = HostPort.parse("127.0.0.1:15660");

  @Test
  void aRunBecomesABoundedCommandWithItsKeysAndSets() {
    SippRun run =
        SippRun.uac("uac-call-expect-200.xml", TARGET, LOCAL, 43910)
            .withService("+18005550100")
            .withCalls(20, 5)
            .withKey("caller", "alice")
            .withSet("hold", "2000")
            .withTimeout(Duration.ofSeconds(45));

    List<String> command =
        Sipp.command(
            Path.of("/usr/bin/sipp"), run, Path.of("s.xml"), Path.of("stats.csv"), Path.of("w"));

    assertThat(command.subList(0, 4))
        .containsExactly("/usr/bin/sipp", "127.0.0.1:5060", "-sf", "s.xml");
    assertThat(String.join(" ", command))
        .contains("-i 127.0.0.1 -p 15660")
        .contains("-mi 127.0.0.1 -mp 43910")
        .contains("-s +18005550100")
        .contains("-m 20 -r 5")
        .contains("-timeout 45s -timeout_error")
        .contains("-trace_stat -stf stats.csv")
        .contains("-key caller alice")
        .contains("-set hold 2000")
        .doesNotContain("-rtp_echo");
  }

  @Test
  void aUasRunHasNoTarget() {
    List<String> command =
        Sipp.command(
            Path.of("sipp"),
            SippRun.uas("uas-answer.xml", LOCAL, 43912).withRtpEcho(),
            Path.of("uas-answer.xml"),
            Path.of("stats.csv"),
            Path.of("w"));

    assertThat(command.subList(0, 3)).containsExactly("sipp", "-sf", "uas-answer.xml");
    assertThat(command).contains("-rtp_echo", "-m", "1");
  }

  @Test
  void unboundedOrIncompleteRunsAreRefused() {
    SippRun run = SippRun.uac("uac-call-expect-200.xml", TARGET, LOCAL, 43910);
    assertThatThrownBy(() -> run.withCalls(0, 10)).hasMessageStartingWith("calls: 0");
    assertThatThrownBy(() -> run.withCalls(1, 0)).hasMessageStartingWith("rate: 0");
    assertThatThrownBy(() -> run.withTimeout(Duration.ofMinutes(11)))
        .hasMessageStartingWith("timeout: PT11M");
    assertThatThrownBy(() -> run.withTimeout(Duration.ZERO)).hasMessageStartingWith("timeout:");
    assertThatThrownBy(() -> SippRun.uac("uac-call-expect-200.xml", null, LOCAL, 43910))
        .hasMessageStartingWith("target: missing");
  }
}
