package io.baton.sbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.sbc.SessionTimer.Granted;
import io.baton.sbc.SessionTimer.Malformed;
import io.baton.sbc.SessionTimer.NoTimer;
import io.baton.sbc.SessionTimer.TooSmall;
import io.baton.sip.CallLifetime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RFC 4028 §9 for this SBC as the caller's UAS, on plain header values. */
class SessionTimerTest {
  private static final CallLifetime DEFAULTS = CallLifetime.defaults(); // 1800s, Min-SE 90s

  private static SessionTimer.Decision negotiate(String se, String minSe, boolean supported) {
    return SessionTimer.negotiate(se, minSe, supported, DEFAULTS);
  }

  @Test
  void aCallerThatSupportsTimersGetsTheIntervalItAskedForAndRefreshes() {
    assertThat(negotiate("600", null, true)).isEqualTo(new Granted(Duration.ofSeconds(600)));
    assertThat(((Granted) negotiate("600;refresher=uac", null, true)).headerValue())
        .isEqualTo("600;refresher=uac");
  }

  @Test
  void aCallerThatAsksForNoIntervalGetsTheConfiguredOne() {
    assertThat(negotiate(null, null, true)).isEqualTo(new Granted(Duration.ofSeconds(1800)));
  }

  @Test
  void aLongerIntervalIsCutButNeverBelowTheCallersMinSe() {
    assertThat(negotiate("7200", null, true)).isEqualTo(new Granted(Duration.ofSeconds(1800)));
    assertThat(negotiate("7200", "2000", true)).isEqualTo(new Granted(Duration.ofSeconds(2000)));
    assertThat(negotiate(null, "2000", true)).isEqualTo(new Granted(Duration.ofSeconds(2000)));
  }

  @Test
  void anIntervalBelowMinSeIsRefusedWith422NamingMinSe() {
    assertThat(negotiate("60", null, true)).isEqualTo(new TooSmall(Duration.ofSeconds(90)));
    assertThat(negotiate("60", null, false))
        .as("checked even for a caller without timer support (a proxy asked for it)")
        .isEqualTo(new TooSmall(Duration.ofSeconds(90)));
  }

  @Test
  void noTimerWhereThisSbcWouldHaveToRefresh() {
    assertThat(negotiate("600", null, false)).isInstanceOf(NoTimer.class);
    assertThat(negotiate(null, null, false)).isInstanceOf(NoTimer.class);
    assertThat(negotiate("600;refresher=uas", null, true)).isInstanceOf(NoTimer.class);
  }

  @Test
  void valuesThatAreNotDeltaSecondsAreMalformed() {
    assertThat(negotiate("soon", null, true)).isInstanceOf(Malformed.class);
    assertThat(negotiate("600", "-5", true)).isInstanceOf(Malformed.class);
  }

  @Test
  void theSbcHangsUpAThirdOrAt32SecondsBeforeExpiry() {
    assertThat(SessionTimer.deadline(Duration.ofSeconds(90))).isEqualTo(Duration.ofSeconds(60));
    assertThat(SessionTimer.deadline(Duration.ofSeconds(1800))).isEqualTo(Duration.ofSeconds(1768));
  }
}
