package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python verifier of the README, extracted from between its markers and run with {@code
 * python3} (skipped when there is none) against signatures this server makes.
 */
class WebhookVerifierTest {
  private static final Path DOC = Path.of("../README.md");
  private static final String SECRET = "whsec_0123456789abcdef0123";
  private static final String BODY =
      "{\"id\":7,\"type\":\"transfer.updated\",\"at\":\"2026-01-01T00:00:00Z\","
          + "\"data\":{\"id\":\"t-1\",\"state\":\"completed\",\"reason\":\"Fran\u00e7ois said OK\"}}";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** The snippet between the markers, without its Markdown fence. */
  static String snippet() throws IOException {
    String doc = Files.readString(DOC);
    int start = doc.indexOf("<!-- verifier:start -->");
    int end = doc.indexOf("<!-- verifier:end -->");
    assertThat(start).as("start marker").isNotNegative();
    assertThat(end).as("end marker").isGreaterThan(start);
    List<String> code = new ArrayList<>();
    for (String line : doc.substring(start, end).lines().skip(1).toList()) {
      if (!line.startsWith("```")) {
        code.add(line);
      }
    }
    return String.join("\n", code) + "\n";
  }

  @Test
  void theReadmesVerifierAcceptsOurSignaturesAndRefusesForgeries() throws Exception {
    Assumptions.assumeTrue(python() != null, "python3 not found: skipped");
    long now = Instant.now().getEpochSecond();
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    String good = WebhookSignature.header(SECRET, now, body);
    String tampered = BODY.replace("completed", "failed");

    ArrayNode cases = JSON.createArrayNode();
    add(cases, SECRET, good, BODY, now); // good
    add(cases, SECRET, WebhookSignature.header(SECRET, now - 300, body), BODY, now); // 5 min old
    add(cases, SECRET, good, tampered, now); // tampered body
    add(cases, "whsec_another-secret-xyz", good, BODY, now); // wrong secret
    add(cases, SECRET, WebhookSignature.header(SECRET, now - 301, body), BODY, now); // stale
    add(cases, SECRET, WebhookSignature.header(SECRET, now + 301, body), BODY, now); // future
    add(cases, SECRET, "v1=" + good.substring(good.indexOf("v1=") + 3), BODY, now); // no t
    add(cases, SECRET, "t=" + now + ",v1=zz\u00e9", BODY, now); // junk signature
    add(cases, SECRET, "garbage", BODY, now);

    assertThat(run(cases))
        .isEqualTo("[true, true, false, false, false, false, false, false, false]");
  }

  private static void add(ArrayNode cases, String secret, String header, String body, long now) {
    ObjectNode c = cases.addObject();
    c.put("secret", secret).put("header", header).put("body", body).put("now", now);
  }

  private String run(ArrayNode cases) throws Exception {
    Path verifier = dir.resolve("verifier.py");
    Files.writeString(verifier, snippet());
    Path harness = dir.resolve("harness.py");
    Files.writeString(
        harness,
        """
        import json, sys
        sys.path.insert(0, sys.argv[1])
        from verifier import verify
        cases = json.load(sys.stdin)
        print(json.dumps([verify(c["secret"], c["header"], c["body"].encode("utf-8"), c["now"])
                          for c in cases]))
        """);
    Process p =
        new ProcessBuilder(python(), harness.toString(), dir.toString())
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().write(JSON.writeValueAsBytes(cases));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static String python() {
    try {
      Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? "python3" : null;
    } catch (IOException | InterruptedException e) {
      return null;
    }
  }
}
