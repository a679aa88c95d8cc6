package io.baton.sip;

import java.time.Instant;

/**
 * One SIP message as a stack of this process sent or received it ({@link SipCapture}).
 *
 * @param seq grows with every captured message in this process: orders messages of one instant
 * @param at when it was sent or received (microseconds where the clock has them)
 * @param element the element whose stack captured it
 * @param sent true if {@code element} sent it, false if it received it
 * @param echo true for a received message whose sender is a stack of this process, which captured
 *     it once already as sent: ladders and exports skip echoes so each message on the wire counts
 *     once
 * @param source the packet's source {@code host:port}
 * @param destination the packet's destination {@code host:port}
 * @param transport {@code UDP} or {@code TCP}
 * @param callId the SIP Call-ID
 * @param batonCallId the {@code X-Baton-Call-Id} it carries, or null
 * @param method the request's method, or the CSeq method of a response
 * @param status the response's status code; 0 for a request
 * @param firstLine the Request-Line or Status-Line
 * @param text the whole message as written on the wire
 */
public record CapturedMessage(
    long seq,
    Instant at,
    String element,
    boolean sent,
    boolean echo,
    HostPort source,
    HostPort destination,
    String transport,
    String callId,
    String batonCallId,
    String method,
    int status,
    String firstLine,
    String text) {

  public boolean isRequest() {
    return status == 0;
  }
}
