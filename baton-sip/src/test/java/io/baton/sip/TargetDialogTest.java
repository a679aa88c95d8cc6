package io.baton.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TargetDialogTest {
  @Test
  void parsesParametersInAnyOrder() {
    TargetDialog td = TargetDialog.parse("abc@host ; remote-tag=r1;local-tag=l1;foo=bar");
    assertThat(td).isEqualTo(new TargetDialog("abc@host", "l1", "r1"));
    assertThat(TargetDialog.parse(td.value())).isEqualTo(td);
  }

  @Test
  void rejectsMissingTags() {
    assertThatThrownBy(() -> TargetDialog.parse("abc;local-tag=x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("remote-tag");
    assertThatThrownBy(() -> TargetDialog.parse(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sipfragStatusAndReason() {
    assertThat(SipFrag.status(SipFrag.of(486, "Busy Here"))).hasValue(486);
    assertThat(SipFrag.reason("SIP/2.0 180 Ringing\r\n")).isEqualTo("Ringing");
    assertThat(SipFrag.status("garbage")).isEmpty();
    assertThat(SipFrag.status("SIP/2.0 99 Nope")).isEmpty();
  }

  @Test
  void trustListMatchesAddressAndOptionalPort() {
    TrustList trust = TrustList.of(java.util.List.of("127.0.0.1:5110", "10.0.0.7"));
    assertThat(trust.trusts(new HostPort("127.0.0.1", 5110))).isTrue();
    assertThat(trust.trusts(new HostPort("127.0.0.1", 5999))).isFalse();
    assertThat(trust.trusts(new HostPort("10.0.0.7", 1234))).isTrue();
    assertThatThrownBy(() -> TrustList.of(java.util.List.of("no such host!")))
        .hasMessageContaining("no such host!");
  }
}
