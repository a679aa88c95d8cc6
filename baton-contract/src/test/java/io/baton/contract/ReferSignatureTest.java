package io.baton.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.contract.ReferVerifier.Verdict;
import io.baton.testsupport.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferSignatureTest {
  private static final byte[] K1 = bytes("k1-test-secret-0123456789abcdef-0123");
  private static final byte[] K2 = bytes("k2-test-secret-0123456789abcdef-4567");
  private static final Instant NOW = Instant.parse("2026-12-07T23:00:00Z");
  private static final Duration WINDOW = Duration.ofSeconds(30);
  private static final ReferSignature.Fields FIELDS =
      new ReferSignature.Fields("a84b4c76e66710", "dest-tag", "edge-tag", "<sip:+16465550111@x>");

  private final ManualClock clock = new ManualClock(NOW);

  @Test
  void aSignatureMadeWithTheRingVerifiesOnce() {
    ReferKeys ring = ring(Map.of("k1", K1), "k1");
    ReferVerifier verifier = new ReferVerifier(ring, WINDOW, 10, clock);
    String header = ring.sign(FIELDS, NOW).format();

    assertThat(verifier.verify(header, FIELDS)).isEqualTo(Verdict.VALID);
    assertThat(verifier.verify(header, FIELDS)).isEqualTo(Verdict.REPLAYED);
    assertThat(verifier.remembered()).isEqualTo(1);
  }

  @Test
  void everySignedFieldIsCovered() {
    ReferKeys ring = ring(Map.of("k1", K1), "k1");
    ReferVerifier verifier = new ReferVerifier(ring, WINDOW, 10, clock);
    ReferSignature s = ring.sign(FIELDS, NOW);

    for (ReferSignature.Fields other :
        List.of(
            new ReferSignature.Fields("other-call", "dest-tag", "edge-tag", FIELDS.referTo()),
            new ReferSignature.Fields(FIELDS.callId(), "other", "edge-tag", FIELDS.referTo()),
            new ReferSignature.Fields(FIELDS.callId(), "dest-tag", "other", FIELDS.referTo()),
            new ReferSignature.Fields(FIELDS.callId(), "edge-tag", "dest-tag", FIELDS.referTo()),
            new ReferSignature.Fields(
                FIELDS.callId(), "dest-tag", "edge-tag", "<sip:+19005550199@x>"))) {
      assertThat(verifier.verify(s.format(), other))
          .as(other.toString())
          .isEqualTo(Verdict.BAD_MAC);
    }
    // the signature's own ts and nonce are covered as well
    assertThat(verifier.verify(with(s, s.timestamp() + 1, s.nonce()), FIELDS))
        .isEqualTo(Verdict.BAD_MAC);
    assertThat(verifier.verify(with(s, s.timestamp(), "AAAAAAAAAAAAAAAAAAAAAA"), FIELDS))
        .isEqualTo(Verdict.BAD_MAC);
    String flipped =
        s.mac().charAt(0) == 'A' ? "B" + s.mac().substring(1) : "A" + s.mac().substring(1);
    assertThat(
            verifier.verify(
                new ReferSignature(s.keyId(), s.timestamp(), s.nonce(), flipped).format(), FIELDS))
        .isEqualTo(Verdict.BAD_MAC);
    assertThat(verifier.verify(s.format(), FIELDS)).isEqualTo(Verdict.VALID);
  }

  @Test
  void aSignatureOutsideTheWindowIsRefusedEitherWay() {
    ReferKeys ring = ring(Map.of("k1", K1), "k1");
    ReferVerifier verifier = new ReferVerifier(ring, WINDOW, 10, clock);

    assertThat(verifier.verify(ring.sign(FIELDS, NOW.minusSeconds(30)).format(), FIELDS))
        .isEqualTo(Verdict.VALID);
    assertThat(verifier.verify(ring.sign(FIELDS, NOW.minusSeconds(31)).format(), FIELDS))
        .isEqualTo(Verdict.EXPIRED);
    assertThat(verifier.verify(ring.sign(FIELDS, NOW.plusSeconds(30)).format(), FIELDS))
        .isEqualTo(Verdict.VALID);
    assertThat(verifier.verify(ring.sign(FIELDS, NOW.plusSeconds(31)).format(), FIELDS))
        .isEqualTo(Verdict.FUTURE);
  }

  @Test
  void aReplayIsRefusedUntilTheWindowRefusesItAnywayThenItsNonceIsForgotten() {
    ReferKeys ring = ring(Map.of("k1", K1), "k1");
    ReferVerifier verifier = new ReferVerifier(ring, WINDOW, 10, clock);
    String header = ring.sign(FIELDS, NOW).format();
    assertThat(verifier.verify(header, FIELDS)).isEqualTo(Verdict.VALID);

    clock.advance(Duration.ofSeconds(30));
    assertThat(verifier.verify(header, FIELDS)).isEqualTo(Verdict.REPLAYED);
    clock.advance(Duration.ofSeconds(1));
    assertThat(verifier.verify(header, FIELDS)).isEqualTo(Verdict.EXPIRED);
    assertThat(verifier.remembered()).isZero();
  }

  @Test
  void aFullNonceCacheRefusesNewSignaturesRatherThanForgetOldOnes() {
    ReferKeys ring = ring(Map.of("k1", K1), "k1");
    ReferVerifier verifier = new ReferVerifier(ring, WINDOW, 2, clock);
    String first = ring.sign(FIELDS, NOW).format();
    assertThat(verifier.verify(first, FIELDS)).isEqualTo(Verdict.VALID);
    assertThat(verifier.verify(ring.sign(FIELDS, NOW).format(), FIELDS)).isEqualTo(Verdict.VALID);

    assertThat(verifier.verify(ring.sign(FIELDS, NOW).format(), FIELDS)).isEqualTo(Verdict.BUSY);
    assertThat(verifier.verify(first, FIELDS)).isEqualTo(Verdict.REPLAYED);

    clock.advance(Duration.ofSeconds(31)); // both expired: room again
    assertThat(verifier.verify(ring.sign(FIELDS, clock.instant()).format(), FIELDS))
        .isEqualTo(Verdict.VALID);
  }

  @Test
  void aKeyTheRingDoesNotHoldIsUnknownAndAnotherKeysMacIsBad() {
    ReferKeys k1 = ring(Map.of("k1", K1), "k1");
    ReferKeys k2 = ring(Map.of("k2", K2), "k2");
    ReferKeys k1WithK2sSecret = ring(Map.of("k1", K2), "k1");
    ReferVerifier verifier = new ReferVerifier(k1, WINDOW, 10, clock);

    assertThat(verifier.verify(k2.sign(FIELDS, NOW).format(), FIELDS))
        .isEqualTo(Verdict.UNKNOWN_KEY);
    assertThat(verifier.verify(k1WithK2sSecret.sign(FIELDS, NOW).format(), FIELDS))
        .isEqualTo(Verdict.BAD_MAC);
  }

  /** docs/security.md "Signed REFERs": while both keys are in the ring, either one verifies. */
  @Test
  void duringRotationSignaturesOfBothKeysAreAccepted() {
    Map<String, byte[]> both = new LinkedHashMap<>();
    both.put("k1", K1);
    both.put("k2", K2);
    ReferVerifier verifier = new ReferVerifier(ring(both, "k1"), WINDOW, 10, clock);
    ReferKeys oldSigner = ring(Map.of("k1", K1), "k1");
    ReferKeys newSigner = ring(both, "k2");

    assertThat(verifier.verify(oldSigner.sign(FIELDS, NOW).format(), FIELDS))
        .isEqualTo(Verdict.VALID);
    ReferSignature fromNew = newSigner.sign(FIELDS, NOW);
    assertThat(fromNew.keyId()).isEqualTo("k2");
    assertThat(verifier.verify(fromNew.format(), FIELDS)).isEqualTo(Verdict.VALID);

    ReferVerifier afterRotation =
        new ReferVerifier(ring(Map.of("k2", K2), "k2"), WINDOW, 10, clock);
    assertThat(afterRotation.verify(oldSigner.sign(FIELDS, NOW).format(), FIELDS))
        .isEqualTo(Verdict.UNKNOWN_KEY);
  }

  @Test
  void malformedHeadersAreRefused() {
    ReferKeys ring = ring(Map.of("k1", K1), "k1");
    ReferVerifier verifier = new ReferVerifier(ring, WINDOW, 10, clock);
    String good = ring.sign(FIELDS, NOW).format();

    assertThat(verifier.verify(null, FIELDS)).isEqualTo(Verdict.MISSING);
    for (String bad :
        List.of(
            "",
            "garbage",
            good + ";extra=1",
            good + ";kid=k1",
            good.replace("kid=k1", "kid=k 1"),
            good.replace("kid=k1", "kid=" + "k".repeat(33)),
            good.replaceFirst("ts=[0-9]+", "ts=-5"),
            good.replaceFirst("ts=[0-9]+", "ts=1e9"),
            good.replaceFirst("ts=[0-9]+", "ts=1234567890123"),
            good.replaceFirst("nonce=[^;]+", "nonce=short"),
            good.replaceFirst("nonce=[^;]+", "nonce=has+plus/and/slash=="),
            good.replaceFirst("mac=[^;]+", "mac=abc"),
            good.replaceFirst(";mac=[^;]+", ""))) {
      assertThat(verifier.verify(bad, FIELDS)).as(bad).isEqualTo(Verdict.MALFORMED);
    }
    // whitespace around parameters and another order are the same signature
    ReferSignature s = ReferSignature.parse(good);
    String reordered =
        " mac=" + s.mac() + " ; nonce=" + s.nonce() + ";ts=" + s.timestamp() + ";kid=k1 ";
    assertThat(ReferSignature.parse(reordered)).isEqualTo(s);
    assertThat(verifier.verify(reordered, FIELDS)).isEqualTo(Verdict.VALID);
  }

  @Test
  void theCanonicalFormIsTheDocumentedOne() {
    assertThat(
            new String(
                ReferSignature.canonical(FIELDS, 1765148400L, "AAAAAAAAAAAAAAAAAAAAAA"),
                StandardCharsets.UTF_8))
        .isEqualTo(
            "baton-refer-v1\nREFER\na84b4c76e66710\ndest-tag\nedge-tag\n<sip:+16465550111@x>\n"
                + "1765148400\nAAAAAAAAAAAAAAAAAAAAAA");
    assertThatThrownBy(() -> new ReferSignature.Fields("a\nb", "l", "r", "<sip:x>"))
        .hasMessageContaining("callId");
  }

  @Test
  void theConfigurationNamesTheKeyOfEachProblem() {
    String secret = "0123456789abcdef0123456789abcdef";
    assertThat(ReferSigningConfig.off().enabled()).isFalse();
    ReferSigningConfig two =
        new ReferSigningConfig(
            List.of(
                new ReferSigningConfig.Key("k1", secret),
                new ReferSigningConfig.Key("k2", secret + "x")),
            null,
            null,
            0);
    assertThat(two.signWith()).isEqualTo("k1");
    assertThat(two.window()).isEqualTo(Duration.ofSeconds(30));
    assertThat(two.maxNonces()).isEqualTo(100_000);
    assertThat(two.toString()).doesNotContain(secret);
    assertThat(two.keyRing("proxy.referSigning").orElseThrow().ids()).containsExactly("k1", "k2");

    assertThatThrownBy(
            () ->
                new ReferSigningConfig(
                    List.of(new ReferSigningConfig.Key("k1", secret)), "k9", null, 0))
        .hasMessageStartingWith("referSigning.signWith: 'k9'");
    assertThatThrownBy(
            () ->
                new ReferSigningConfig(
                    List.of(new ReferSigningConfig.Key("k1", "too-short")), null, null, 0))
        .hasMessageStartingWith("referSigning.keys[0].secret: 9 bytes, at least 32");
    assertThatThrownBy(
            () ->
                new ReferSigningConfig(
                    List.of(
                        new ReferSigningConfig.Key("k1", secret),
                        new ReferSigningConfig.Key("k1", secret)),
                    null,
                    null,
                    0))
        .hasMessageStartingWith("referSigning.keys[1].id: 'k1' is listed twice");
    assertThatThrownBy(
            () ->
                new ReferSigningConfig(
                    List.of(new ReferSigningConfig.Key("k 1", secret)), null, null, 0))
        .hasMessageStartingWith("referSigning.keys[0].id");
    assertThatThrownBy(() -> new ReferSigningConfig(null, null, Duration.ofMinutes(6), 0))
        .hasMessageStartingWith("referSigning.window");
    assertThatThrownBy(() -> new ReferSigningConfig(null, null, null, -1))
        .hasMessageStartingWith("referSigning.maxNonces");
    ReferSigningConfig fromEnv =
        new ReferSigningConfig(
            List.of(new ReferSigningConfig.Key("k1", "env:BATON_TEST_UNSET_REFER_KEY")),
            null,
            null,
            0);
    assertThatThrownBy(() -> fromEnv.keyRing("sbcs.sbc-edge.referSigning"))
        .hasMessageStartingWith("sbcs.sbc-edge.referSigning.keys[0].secret: environment variable");
  }

  private static ReferKeys ring(Map<String, byte[]> secrets, String signWith) {
    return new ReferKeys(secrets, signWith);
  }

  private static String with(ReferSignature s, long ts, String nonce) {
    return new ReferSignature(s.keyId(), ts, nonce, s.mac()).format();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
