package io.baton.sip.internal;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;
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

  @Override
  public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
    SipTracing.record(stackName, message.encode(), from, to, sender, time);
  }

  @Override
  public void logMessage(
      SIPMessage message, String from, String to, String status, boolean sender, long time) {
    logMessage(message, from, to, sender, time);
  }

  @Override
  public void logMessage(
      SIPMessage message, String from, String to, String status, boolean sender) {
    logMessage(message, from, to, sender, System.currentTimeMillis());
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
