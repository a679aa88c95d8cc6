package io.baton.ua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.sip.SipConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigTest {

  @Test
  void absentAnswerFieldsTakeTheirDefaults() {
    Answer answer = new Answer(200, null, 0);
    assertThat(answer.ringFor()).isZero();
    assertThat(answer.toneHz()).isEqualTo(440);
    UserAgentConfig config =
        new UserAgentConfig("pstn-sales", SipConfig.at("127.0.0.1:5130"), null);
    assertThat(config.answer()).isEqualTo(Answer.AT_ONCE);
  }

  @Test
  void badValuesAreRefusedNamingTheirKey() {
    assertThatThrownBy(() -> Answer.with(180)).hasMessageStartingWith("answer.status: 180");
    assertThatThrownBy(() -> new Answer(200, Duration.ofSeconds(-1), 440))
        .hasMessageStartingWith("answer.ringFor:");
    assertThatThrownBy(() -> new Answer(200, Duration.ZERO, 5000))
        .hasMessageStartingWith("answer.toneHz: 5000");
    assertThatThrownBy(
            () -> new UserAgentConfig("pstn sales", SipConfig.at("127.0.0.1:5130"), null))
        .hasMessageStartingWith("endpoints.name: 'pstn sales'");
    assertThatThrownBy(() -> new UserAgentConfig("support", null, null))
        .hasMessage("endpoints[support].sip: missing");
  }
}
