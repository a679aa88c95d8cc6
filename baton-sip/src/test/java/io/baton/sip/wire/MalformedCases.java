package io.baton.sip.wire;

import java.util.stream.Stream;

/**
 * The one table of malformed (and tortuous but valid) messages every element answers alike, by RFC
 * 3261 and RFC 4475's categories: each element's malformed-message test runs it over UDP and TCP,
 * plus the few cases whose answer is that element's own (a redirect's 302, a proxy's 483, an SBC's
 * 488...). Every request here is an OPTIONS or NOTIFY to a user that each element answers {@code
 * 200} when the request is sound, so the table holds for all of them.
 */
public final class MalformedCases {
  private MalformedCases() {}

  public static Stream<WireCase> common() {
    return Stream.of(
        // Sound, if tortuous (RFC 4475 §3.1.1): answered as any request.
        WireCase.answered("valid-options.sip", 200),
        WireCase.answered("tortuous-valid-options.sip", 200),
        WireCase.answered("huge-header.sip", 200),
        // RFC 3261 §8.2 asks no Max-Forwards of a UAS; a proxy adds one (§16.6 step 3).
        WireCase.answered("options-no-max-forwards.sip", 200),
        // Not SIP, or no answer can reach the sender (§18.2.2, §17.1.1.3): dropped.
        WireCase.dropped("garbage.bin"),
        WireCase.dropped("no-via.sip"),
        WireCase.dropped("malformed-via.sip"),
        WireCase.dropped("ack-bad-cseq.sip"),
        WireCase.dropped("malformed-status-line.sip"),
        WireCase.dropped("response-broadcast-via.sip"),
        // Answerable but malformed: 400 naming the problem (§21.4.1).
        WireCase.answered("missing-call-id.sip", 400, "Missing Call-ID"),
        WireCase.answered("missing-from-to-call-id.sip", 400, "Missing Call-ID"),
        WireCase.answered("truncated-invite.sip", 400, "Truncated").udpOnly(),
        WireCase.answered("bad-content-length.sip", 400, "Content-Length").udpOnly(),
        WireCase.answered("negative-content-length.sip", 400, "Content-Length"),
        WireCase.answered("duplicate-content-length.sip", 400, "Duplicate Content-Length"),
        WireCase.answered("duplicate-call-id.sip", 400, "Duplicate Call-ID"),
        WireCase.answered("cseq-method-mismatch.sip", 400),
        WireCase.answered("unknown-method-cseq-mismatch.sip", 400),
        WireCase.answered("overlarge-cseq.sip", 400, "CSeq").echoing("CSeq"),
        WireCase.answered("options-cseq-negative.sip", 400, "CSeq").echoing("CSeq"),
        WireCase.answered("options-cseq-non-numeric.sip", 400, "CSeq").echoing("CSeq"),
        WireCase.answered("options-max-forwards-negative.sip", 400, "Max-Forwards"),
        WireCase.answered("options-max-forwards-non-numeric.sip", 400, "Max-Forwards"),
        WireCase.answered("options-header-without-colon.sip", 400, "colon"),
        WireCase.answered("options-header-with-nul.sip", 400, "NUL"),
        WireCase.answered("options-too-many-headers.sip", 400, "Too many header fields"),
        WireCase.answered("notify-without-subscription-state.sip", 400, "Subscription-State"),
        WireCase.answered("invite-without-contact.sip", 400, "Contact"), // §8.1.1.8
        WireCase.answered("unterminated-quote-in-display-name.sip", 400, "From"),
        WireCase.answered("request-uri-in-angle-brackets.sip", 400, "Request-Line"),
        WireCase.answered("invalid-request-uri.sip", 400, "Request-Line"),
        // Another version (§21.5.7), scheme (§8.2.2.1) or method (§8.2.1, §21.5.2; a proxy
        // forwards it, §16.6, and the element behind it answers).
        WireCase.answered("bad-sip-version.sip", 505),
        WireCase.answered("unknown-uri-scheme.sip", 416),
        WireCase.answered("unknown-method.sip", 501));
  }
}
