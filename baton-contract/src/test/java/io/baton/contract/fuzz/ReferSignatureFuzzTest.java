package io.baton.contract.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.baton.contract.ReferKeys;
import io.baton.contract.ReferSignature;
import io.baton.contract.ReferVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Any {@code X-Baton-Signature} value from the wire: it parses to a signature that writes itself
 * back the same way, or is refused with IllegalArgumentException; verifying it never throws, and
 * nothing but a signature the key ring made is ever valid.
 */
class ReferSignatureFuzzTest {
  private static final ReferSignature.Fields FIELDS =
      new ReferSignature.Fields("call", "dest-tag", "edge-tag", "<sip:+16465550111@x>");
  private static final ReferVerifier VERIFIER =
      new ReferVerifier(
          new ReferKeys(
              Map.of("k1", "fuzz-secret-0123456789abcdef-0123".getBytes(StandardCharsets.UTF_8)),
              "k1"),
          Duration.ofDays(36500), // no signature is refused for its age alone: the MAC decides
          1000,
          Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

  @FuzzTest(maxDuration = "20s")
  void parseAndVerify(String value) {
    try {
      ReferSignature parsed = ReferSignature.parse(value);
      assertThat(ReferSignature.parse(parsed.format())).isEqualTo(parsed);
    } catch (IllegalArgumentException refused) {
      // a 403 at the proxy and at SBC-edge
    }
    assertThat(VERIFIER.verify(value, FIELDS)).isNotEqualTo(ReferVerifier.Verdict.VALID);
  }
}
