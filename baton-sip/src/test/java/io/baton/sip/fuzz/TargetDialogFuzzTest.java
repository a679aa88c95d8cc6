package io.baton.sip.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.baton.sip.SipFrag;
import io.baton.sip.TargetDialog;

/**
 * Any Target-Dialog value (RFC 4538) and any sipfrag body (RFC 3420) from the wire: a Target-Dialog
 * parses to one that writes itself back the same way, or is refused with IllegalArgumentException;
 * a sipfrag's status is a final or provisional code, or none, and its reading never throws.
 */
class TargetDialogFuzzTest {

  @FuzzTest(maxDuration = "15s")
  void targetDialogAndSipFrag(String value) {
    try {
      TargetDialog parsed = TargetDialog.parse(value);
      assertThat(TargetDialog.parse(parsed.value())).isEqualTo(parsed);
    } catch (IllegalArgumentException refused) {
      // a 400 at the proxy
    }
    SipFrag.status(value).ifPresent(code -> assertThat(code).isBetween(100, 699));
    assertThat(SipFrag.reason(value)).isNotNull();
  }
}
