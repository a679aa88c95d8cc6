package io.baton.sip.internal;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPResponse;
import java.util.Properties;
import javax.sip.SipStack;

/**
 * Receives every message JAIN-SIP sends or receives while tracing is on; see {@link SipTracing}.
 */
public final class Slf4jServerLogger implements ServerLogger {
  private volatile String stackName = "?";

  public Slf4jServerLogger() {}

  @Override
  public void closeLogFile() {}

  // JAIN-SIP reports a received UDP response twice (once on arrival, once with a status once its
  // transaction is found) and a received TCP response only the second way: responses are
  // recorded from the status variant alone, so each message is traced exactly once.

  @Override
  public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
    if (sender || !(message instanceof SIPResponse)) {
      SipTracing.record(stackName, message.encode(), from, to, sender);
    }
  }

  @Override
  public void logMessage(
      SIPMessage message, String from, String to, String status, boolean sender, long time) {
    SipTracing.record(stackName, message.encode(), from, to, sender);
  }

  @Override
  public void logMessage(
      SIPMessage message, String from, String to, String status, boolean sender) {
    logMessage(message, from, to, status, sender, System.currentTimeMillis());
  }

  @Override
  public void logException(Exception ex) {}

  @Override
  public void setStackProperties(Properties stackProperties) {}

  @Override
  public void setSipStack(SipStack sipStack) {
    this.stackName = sipStack.getStackName();
  }
}
