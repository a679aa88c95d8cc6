package io.baton.sip.internal;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.baton.contract.BatonHeaders;
import io.baton.sip.CapturedMessage;
import io.baton.sip.HostPort;
import io.baton.sip.SipCapture;
import java.time.Instant;
import java.util.Locale;
import java.util.Properties;
import javax.sip.SipStack;
import javax.sip.header.ExtensionHeader;
import javax.sip.header.Header;

/**
 * Receives every message JAIN-SIP sends or receives while tracing is on ({@link SipTracing}): logs
 * it and captures it for {@link SipCapture}'s listeners.
 */
public final class Slf4jServerLogger implements ServerLogger {
  private volatile String stackName = "?";
  private volatile String element = "?";

  public Slf4jServerLogger() {}

  @Override
  public void closeLogFile() {}

  // JAIN-SIP reports a received UDP response twice (once on arrival, once with a status once its
  // transaction is found) and a received TCP response only the second way: responses are
  // recorded from the status variant alone, so each message is traced exactly once.

  @Override
  public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
    if (sender || !(message instanceof SIPResponse)) {
      record(message, from, to, sender);
    }
  }

  @Override
  public void logMessage(
      SIPMessage message, String from, String to, String status, boolean sender, long time) {
    record(message, from, to, sender);
  }

  @Override
  public void logMessage(
      SIPMessage message, String from, String to, String status, boolean sender) {
    record(message, from, to, sender);
  }

  private void record(SIPMessage message, String from, String to, boolean sent) {
    String text = message.encode();
    if (SipTracing.logging()) {
      SipTracing.log(stackName, text, from, to, sent);
    }
    if (SipCapture.active()) {
      SipCapture.publish(capture(message, text, from, to, sent));
    }
  }

  private CapturedMessage capture(
      SIPMessage message, String text, String from, String to, boolean sent) {
    HostPort source = address(from);
    HostPort destination = address(to);
    Via via = message.getTopmostVia();
    Header batonCallId = message.getHeader(BatonHeaders.CALL_ID);
    int status = message instanceof SIPResponse r ? r.getStatusCode() : 0;
    String method =
        message instanceof SIPRequest r
            ? r.getMethod()
            : message.getCSeq() == null ? "" : message.getCSeq().getMethod();
    return new CapturedMessage(
        SipCapture.nextSequence(),
        Instant.now(),
        element,
        sent,
        !sent && source != null && SipCapture.isLocal(source),
        source,
        destination,
        via == null ? "UDP" : via.getTransport().toUpperCase(Locale.ROOT),
        message.getCallId() == null ? "" : message.getCallId().getCallId(),
        batonCallId instanceof ExtensionHeader h ? h.getValue() : null,
        method,
        status,
        message.getFirstLine().strip(),
        text);
  }

  /** {@code host:port} as JAIN-SIP writes it (a leading slash on addresses); null if unreadable. */
  private static HostPort address(String text) {
    if (text == null) {
      return null;
    }
    try {
      return HostPort.parse(text.startsWith("/") ? text.substring(1) : text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public void logException(Exception ex) {}

  @Override
  public void setStackProperties(Properties stackProperties) {}

  @Override
  public void setSipStack(SipStack sipStack) {
    this.stackName = sipStack.getStackName();
    int at = stackName.indexOf('@');
    this.element = at > 0 ? stackName.substring(0, at) : stackName;
  }
}
