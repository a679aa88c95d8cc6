package io.baton.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** SIP INFO application/dtmf-relay bodies. */
class DtmfRelayTest {

  @Test
  void writesAndReadsSignalAndDuration() {
    DtmfRelay one = new DtmfRelay('1', 160);
    assertThat(one.body()).isEqualTo("Signal=1\r\nDuration=160\r\n");
    assertThat(DtmfRelay.parse(one.body())).isEqualTo(one);
    assertThat(DtmfRelay.parse("signal = #\nduration= 100\nX=y\n"))
        .isEqualTo(new DtmfRelay('#', 100));
    assertThat(DtmfRelay.parse("Signal=a")).isEqualTo(new DtmfRelay('A', 250));
  }

  @Test
  void refusesBodiesWithoutAUsableSignalNamingTheProblem() {
    assertThatThrownBy(() -> DtmfRelay.parse("Duration=160")).hasMessage("no Signal= line");
    assertThatThrownBy(() -> DtmfRelay.parse(null)).hasMessage("no Signal= line");
    assertThatThrownBy(() -> DtmfRelay.parse("Signal=12")).hasMessageContaining("not one digit");
    assertThatThrownBy(() -> DtmfRelay.parse("Signal=x")).hasMessageContaining("'X'");
    assertThatThrownBy(() -> DtmfRelay.parse("Signal=1\nDuration=long"))
        .hasMessageContaining("'long'");
    assertThatThrownBy(() -> DtmfRelay.parse("Signal=1\nDuration=0")).hasMessageContaining("0");
  }
}
