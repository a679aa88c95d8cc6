package io.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SoftphoneConfigTest {
  private final SoftphoneConfig lab = SoftphoneConfig.lab(Path.of("$PWD/says.wav"));

  @Test
  void theReadmeShowsTheLinesTheHarnessWrites() throws Exception {
    Path readme = LabFixture.labConfig().getParent().resolveSibling("README.md");
    String doc = Files.readString(readme);
    String block =
        doc.substring(doc.indexOf("<!-- baresip:start -->"), doc.indexOf("<!-- baresip:end -->"));

    assertThat(block).contains("cat > config <<EOF\n" + lab.config() + "EOF\n");
    assertThat(block).contains("echo '" + lab.accounts().strip() + "' > accounts");
  }

  @Test
  void configIsG711FromAndToFilesOnLoopbackClearOfTheLabsPorts() {
    assertThat(lab.config())
        .contains("sip_listen          127.0.0.1:16100\n")
        .contains("audio_source        aufile,$PWD/says.wav\n")
        .contains("rtp_ports           45000-45099\n")
        .contains("module              g711.so\n")
        .contains("ctrl_tcp_listen     127.0.0.1:16102\n")
        .doesNotContain("alsa");
    assertThat(lab.accounts())
        .isEqualTo("<sip:softphone@127.0.0.1:16100>;regint=0;audio_codecs=PCMU,PCMA\n");
  }

  @Test
  void theControlPortMustNotBeBaresipsSipOrTlsPort() {
    assertThatThrownBy(() -> new SoftphoneConfig("a", 16100, 16101, 45000, 45099, Path.of("x")))
        .hasMessageContaining("TLS");
    assertThatThrownBy(() -> new SoftphoneConfig("a", 16100, 16102, 45001, 45099, Path.of("x")))
        .hasMessageContaining("rtp ports");
  }
}
