package io.baton.sip.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionDescriptionTest {
  private static final String OFFER =
      "v=0\r\n"
          + "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
          + "s=-\r\n"
          + "c=IN IP4 192.0.2.10\r\n"
          + "t=0 0\r\n"
          + "m=audio 49170 RTP/AVP 0 8 101\r\n"
          + "a=rtpmap:0 PCMU/8000\r\n"
          + "a=rtpmap:8 PCMA/8000\r\n"
          + "a=rtpmap:101 telephone-event/8000\r\n"
          + "a=fmtp:101 0-16\r\n"
          + "a=sendrecv\r\n";

  @Test
  void readsAudioAddressPortAndCodecs() {
    SessionDescription sdp = SessionDescription.parse(OFFER);
    assertThat(sdp.audioAddress()).hasValue("192.0.2.10");
    assertThat(sdp.audioPort()).isEqualTo(49170);
    assertThat(sdp.payloadTypes()).containsExactly(0, 8, 101);
    assertThat(sdp.encoding(101)).hasValue("telephone-event/8000");
    assertThat(sdp.encoding(8)).hasValue("PCMA/8000");
  }

  @Test
  void rewritesWhereAudioIsReceived() {
    SessionDescription out = SessionDescription.parse(OFFER).withAudioAt("127.0.0.1", 20002);
    assertThat(out.audioAddress()).hasValue("127.0.0.1");
    assertThat(out.audioPort()).isEqualTo(20002);
    assertThat(out.toString()).contains("o=alice 2890844526 2890844526 IN IP4 127.0.0.1\r\n");
    assertThat(SessionDescription.parse(out.toString()).payloadTypes()).containsExactly(0, 8, 101);
  }

  @Test
  void narrowsCodecsKeepingTheirAttributes() {
    SessionDescription out = SessionDescription.parse(OFFER).withPayloadTypes(Set.of(0, 101));
    assertThat(out.payloadTypes()).containsExactly(0, 101);
    assertThat(out.toString()).doesNotContain("PCMA").contains("a=fmtp:101 0-16");
  }

  @Test
  void mediaLevelConnectionWinsOverSessionLevel() {
    String sdp = OFFER.replace("a=sendrecv\r\n", "c=IN IP4 198.51.100.1\r\na=sendrecv\r\n");
    assertThat(SessionDescription.parse(sdp).audioAddress()).hasValue("198.51.100.1");
  }

  @Test
  void buildsAMinimalAudioOffer() {
    SessionDescription sdp =
        SessionDescription.audio(
            "baton", "127.0.0.1", 30000, List.of(Codec.PCMU, Codec.TELEPHONE_EVENT));
    SessionDescription parsed = SessionDescription.parse(sdp.toString());
    assertThat(parsed.payloadTypes()).containsExactly(0, 101);
    assertThat(parsed.audioPort()).isEqualTo(30000);
  }

  @Test
  void rejectsWhatIsNotSdp() {
    assertThatThrownBy(() -> SessionDescription.parse("hello"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SessionDescription.parse("v=0\r\ns=-\r\n"))
        .hasMessageContaining("no audio");
    assertThatThrownBy(() -> SessionDescription.parse(OFFER.replace("49170", "x")))
        .hasMessageContaining("bad audio port");
  }
}
