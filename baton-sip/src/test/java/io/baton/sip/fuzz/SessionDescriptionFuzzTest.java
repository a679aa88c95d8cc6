package io.baton.sip.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.baton.sip.sdp.SessionDescription;
import java.util.List;

/**
 * Any SDP an offer or answer may carry: parsing it, and every rewrite an anchoring SBC makes of a
 * description that parsed, fail only with IllegalArgumentException (which the SBC answers 488).
 */
class SessionDescriptionFuzzTest {

  @FuzzTest(maxDuration = "15s")
  void parseAndRewrite(FuzzedDataProvider data) {
    int port = data.consumeInt(0, 65535);
    List<Integer> keep = List.of(data.consumeInt(0, 127), data.consumeInt(0, 127));
    String text = data.consumeRemainingAsString();
    SessionDescription sdp;
    try {
      sdp = SessionDescription.parse(text);
      SessionDescription.parseOffer(text);
    } catch (IllegalArgumentException unusable) {
      return;
    }
    try {
      for (int pt : sdp.payloadTypes()) {
        sdp.encoding(pt);
      }
      SessionDescription moved = sdp.withAudioAt("192.0.2.1", port).withPayloadTypes(keep);
      SessionDescription.parse(moved.toString());
    } catch (IllegalArgumentException unusable) {
      // a description that parsed but whose media line says too little: refused, not crashed
    }
  }
}
