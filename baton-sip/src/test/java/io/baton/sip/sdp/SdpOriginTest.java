package io.baton.sip.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An element's own SDP origin on the descriptions it sends (RFC 8866 §5.2, RFC 3264 §8). */
class SdpOriginTest {
  private static final String CALLCENTER =
      "v=0\r\no=callcenter 1796678077 1796678077 IN IP4 10.1.2.3\r\ns=Baton call center\r\n"
          + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 20006 RTP/AVP 0 101\r\n"
          + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";

  @Test
  void theOriginAndSessionNameAreThisElementsAndNameNobody() {
    String stamped = new SdpOrigin(4242).stamp(CALLCENTER);
    assertThat(stamped)
        .startsWith("v=0\r\no=- 4242 4242 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n")
        .doesNotContain("callcenter")
        .doesNotContain("10.1.2.3")
        .endsWith("a=rtpmap:101 telephone-event/8000\r\n");
    assertThat(SessionDescription.parse(stamped).audioPort()).isEqualTo(20006);
  }

  @Test
  void theVersionGrowsByOneWhenTheDescriptionChangesAndOnlyThen() {
    SdpOrigin origin = new SdpOrigin(7);
    assertThat(origin.stamp(CALLCENTER)).contains("o=- 7 7 ");
    // The same description again (a re-INVITE answered with what the side has): same version,
    // even if the far end's own origin moved on.
    assertThat(origin.stamp(CALLCENTER.replace("1796678077 1796678077", "1 2")))
        .contains("o=- 7 7 ");
    String moved = CALLCENTER.replace("m=audio 20006", "m=audio 20008");
    assertThat(origin.stamp(moved)).contains("o=- 7 8 ");
    assertThat(origin.stamp(moved)).contains("o=- 7 8 ");
    assertThat(origin.stamp(CALLCENTER)).contains("o=- 7 9 ");
  }

  @Test
  void textWithoutAnOriginIsLeftAsItIs() {
    assertThat(new SdpOrigin(1).stamp("not sdp")).isEqualTo("not sdp");
    assertThat(new SdpOrigin(1).stamp("")).isEmpty();
  }
}
