package io.baton.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.app.Node;
import io.baton.app.config.BatonConfig;
import io.baton.app.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The lab, started once per test JVM from the repository's {@code config/lab.yaml} (the same file
 * {@code bin/baton lab} runs) on the lab's ports (config/lab.yaml), with a fresh in-memory database
 * so runs never see each other's data, and one more trusted transfer server at the proxy: {@link
 * #FORGER_HOST}. Stopped when the JVM exits.
 */
public final class LabFixture {
  /**
   * A loopback address the proxy trusts to send REFERs ({@code may: [refer]}, over any transport)
   * but that holds no signing key: what a forger sends from after taking over, or spoofing, the
   * transfer server's address (docs/security.md, "Signed REFERs").
   */
  public static final String FORGER_HOST = "127.0.0.2";

  private static Node node;

  private LabFixture() {}

  public static synchronized Node lab() {
    return lab(tree -> {});
  }

  /**
   * The lab with {@code tweak} applied to its resolved configuration (defaults laid in) before it
   * starts, e.g. shorter call lifetimes. Only the first call of a JVM starts the lab: a test that
   * tweaks runs in a JVM of its own.
   */
  public static synchronized Node lab(Consumer<ObjectNode> tweak) {
    if (node == null) {
      ConfigLoader loader = new ConfigLoader();
      ObjectNode tree = loader.resolve(labConfig());
      ((ObjectNode) tree.get("database"))
          .put("url", "jdbc:h2:mem:lab-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
      trustForger(tree);
      tweak.accept(tree);
      BatonConfig config = loader.bind(tree, BatonConfig.class);
      node = Node.start(config, Set.of(), Clock.systemUTC());
      Runtime.getRuntime().addShutdownHook(new Thread(node::close, "lab-fixture-stop"));
    }
    return node;
  }

  private static void trustForger(ObjectNode tree) {
    ArrayNode peers = (ArrayNode) tree.get("proxy").get("trust").get("peers");
    ObjectNode forger = peers.addObject().put("name", "forger").put("address", FORGER_HOST);
    forger.putArray("may").add("refer");
  }

  /** The API base URL of the running lab. */
  public static String apiBase() {
    return lab().config().transfer().baseUrl();
  }

  /** {@code config/lab.yaml} of the repository this module is built in. */
  public static Path labConfig() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("config").resolve("lab.yaml");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "config/lab.yaml not found above " + Path.of("").toAbsolutePath());
  }
}
