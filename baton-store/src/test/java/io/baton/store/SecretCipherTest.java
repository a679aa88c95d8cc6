package io.baton.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.contract.SecretRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCipherTest {
  private static final String KEY = "a-master-key-of-at-least-32-bytes-000";
  private static final String CONTEXT = WebhookSeed.sealContext("acme");

  @Test
  void aSealedSecretOpensForItsContextOnly() {
    SecretCipher cipher = SecretsConfig.of(KEY).cipher();

    SecretCipher.Sealed sealed = cipher.seal("whsec_0123456789abcdef", CONTEXT);

    assertThat(sealed.keyId()).isEqualTo("k1");
    assertThat(sealed.text()).doesNotContain("whsec").matches("[A-Za-z0-9_-]+");
    assertThat(cipher.seal("whsec_0123456789abcdef", CONTEXT).text())
        .as("a fresh nonce every time")
        .isNotEqualTo(sealed.text());
    assertThat(cipher.open(sealed, CONTEXT)).isEqualTo("whsec_0123456789abcdef");
    assertThatThrownBy(() -> cipher.open(sealed, WebhookSeed.sealContext("globex")))
        .as("moved to another tenant's row")
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anAlteredSealOrAnotherKeyUnderTheSameIdDoesNotOpen() {
    SecretCipher cipher = SecretsConfig.of(KEY).cipher();
    SecretCipher.Sealed sealed = cipher.seal("whsec_0123456789abcdef", CONTEXT);
    char[] text = sealed.text().toCharArray();
    text[20] = text[20] == 'A' ? 'B' : 'A';

    assertThatThrownBy(() -> cipher.open(new SecretCipher.Sealed("k1", new String(text)), CONTEXT))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> SecretsConfig.of(KEY.replace('0', '9')).cipher().open(sealed, CONTEXT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'k1'");
  }

  @Test
  void aRotatedKeyStillOpensWhatItSealedAndTheNewOneSeals() {
    SecretCipher.Sealed old = SecretsConfig.of(KEY).cipher().seal("old-secret-0123456", CONTEXT);
    SecretCipher rotated =
        new SecretsConfig("another-master-key-of-32-bytes-or-more", "k2", Map.of("k1", KEY))
            .cipher();

    assertThat(rotated.open(old, CONTEXT)).isEqualTo("old-secret-0123456");
    assertThat(rotated.seal("x", CONTEXT).keyId()).isEqualTo("k2");
    assertThatThrownBy(
            () ->
                new SecretsConfig("another-master-key-of-32-bytes-or-more", "k2", null)
                    .cipher()
                    .open(old, CONTEXT))
        .hasMessageContaining("neither transfer.secrets.keyId nor in previousKeys");
  }

  @Test
  void masterKeysComeFromTheEnvironmentOrAFileAndMustBeLongEnough(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("master.key");
    Files.writeString(file, KEY + "\n");
    assertThat(SecretRef.resolve("k", "file:" + file))
        .isEqualTo(KEY.getBytes(StandardCharsets.UTF_8));
    assertThat(SecretRef.resolve("k", "env:BATON_TEST_KEY", Map.of("BATON_TEST_KEY", KEY)::get))
        .isEqualTo(KEY.getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(
            () -> SecretRef.resolve("transfer.secrets.masterKey", "env:NOT_SET", n -> null))
        .hasMessage("transfer.secrets.masterKey: environment variable NOT_SET is not set");
    assertThatThrownBy(() -> SecretsConfig.of("short-key"))
        .hasMessage(
            "transfer.secrets.masterKey: 9 bytes, at least 32 needed (e.g. openssl rand -base64 48)");
    Files.writeString(file, "short\n");
    SecretsConfig fromFile = SecretsConfig.of("file:" + file);
    assertThatThrownBy(fromFile::cipher)
        .hasMessageStartingWith("transfer.secrets.masterKey: 5 bytes");
    assertThatThrownBy(() -> SecretsConfig.of("env:")).hasMessageContaining("names no variable");
    assertThatThrownBy(() -> new SecretsConfig(KEY, "k 1", null))
        .hasMessageStartingWith("transfer.secrets.keyId:");
    assertThatThrownBy(() -> new SecretsConfig(KEY, "k1", Map.of("k1", KEY)))
        .hasMessage("transfer.secrets.previousKeys.k1: the id of the current masterKey");
  }

  @Test
  void theConfigurationNeverShowsAKeyGivenAsIs() {
    assertThat(new SecretsConfig(KEY, "k2", Map.of("k1", "env:OLD")).toString())
        .doesNotContain(KEY)
        .contains("masterKey=***", "k1=env:OLD");
  }
}
