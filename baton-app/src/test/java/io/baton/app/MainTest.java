package io.baton.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path dir;

  @Test
  void checkAcceptsTheLabConfiguration() {
    assertThat(Main.run("check", "--config", Path.of("..", "config", "lab.yaml").toString()))
        .isZero();
  }

  @Test
  void checkTakesTheFileAsAnArgumentToo() {
    assertThat(Main.run("check", Path.of("..", "config", "lab.yaml").toString())).isZero();
  }

  @Test
  void everySubcommandHasHelp() {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true));
    try {
      for (String command : new String[] {"lab", "run", "check", "agent", "routes"}) {
        assertThat(Main.run(command, "--help")).as(command).isZero();
        assertThat(captured.toString()).contains("Usage: baton " + command);
      }
    } finally {
      System.setOut(out);
    }
  }

  @Test
  void aBadConfigurationExitsWith2AndSaysWhy() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "proxy:\n  sip: {listen: 127.0.0.1:17080}\n  routs: []\n");
    assertThat(errorOf(2, "check", "--config", bad.toString()))
        .contains("baton: proxy.routs: unknown key");
  }

  @Test
  void runRefusesAnElementTheConfigurationDoesNotDefine() throws Exception {
    Path one = dir.resolve("one.yaml");
    Files.writeString(one, "proxy:\n  sip: {listen: 127.0.0.1:17080}\n");
    assertThat(errorOf(2, "run", "sbc-edge", "--config", one.toString()))
        .contains("no element 'sbc-edge'")
        .contains("[proxy]");
  }

  /** Runs {@code args}, checks the exit status is {@code status}; what it wrote to stderr. */
  private static String errorOf(int status, String... args) {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true));
    try {
      assertThat(Main.run(args)).isEqualTo(status);
    } finally {
      System.setErr(err);
    }
    return captured.toString();
  }

  @Test
  void aTransferServerWithoutItsMasterKeyDoesNotStartAndSaysWhichKey() throws Exception {
    Assumptions.assumeTrue(System.getenv("BATON_MASTER_KEY") == null, "BATON_MASTER_KEY is set");
    Path config = dir.resolve("transfer.yaml");
    Files.writeString(
        config,
        "database: {url: 'jdbc:h2:mem:main-test'}\n"
            + "transfer:\n  sip: {listen: 127.0.0.1:17110}\n  http: 127.0.0.1:17180\n");
    assertThat(errorOf(2, "run", "transfer", "--config", config.toString()))
        .contains(
            "baton: transfer.secrets.masterKey: environment variable BATON_MASTER_KEY is not set");
  }

  @Test
  void agentTransferSaysWhenTheCallCenterCannotBeReached() throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true));
    try {
      // Nothing listens on 17105.
      int status =
          AgentCommand.transfer(
              new io.baton.callcenter.AgentHttpConfig(
                  io.baton.sip.HostPort.parse("127.0.0.1:17105"), "agents-key-0123456789"),
              "alice",
              "target:support",
              System.out);
      assertThat(status).isEqualTo(1);
    } finally {
      System.setOut(out);
    }
    assertThat(captured.toString())
        .contains("cannot reach the call center at http://127.0.0.1:17105/agents/alice/transfer");
  }
}
