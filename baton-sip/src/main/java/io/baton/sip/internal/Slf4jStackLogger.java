package io.baton.sip.internal;

import gov.nist.core.StackLogger;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes JAIN-SIP's own diagnostics to SLF4J (logger {@code gov.nist}), so no log4j 1.x is ever
 * needed. JAIN-SIP asks {@link #isLoggingEnabled(int)} with level {@code TRACE_MESSAGES} before it
 * hands messages to the server logger: that answer follows {@link SipTracing#enabled()}.
 */
public final class Slf4jStackLogger implements StackLogger {
  private static final Logger LOG = LoggerFactory.getLogger("gov.nist");

  public Slf4jStackLogger() {}

  @Override
  public void logStackTrace() {}

  @Override
  public void logStackTrace(int traceLevel) {}

  @Override
  public int getLineCount() {
    return 0;
  }

  @Override
  public void logException(Throwable ex) {
    LOG.warn("jain-sip exception", ex);
  }

  @Override
  public void logDebug(String message) {
    LOG.debug(message);
  }

  @Override
  public void logDebug(String message, Exception ex) {
    LOG.debug(message, ex);
  }

  @Override
  public void logTrace(String message) {
    LOG.trace(message);
  }

  @Override
  public void logFatalError(String message) {
    LOG.error(message);
  }

  @Override
  public void logError(String message) {
    LOG.error(message);
  }

  @Override
  public boolean isLoggingEnabled() {
    return true;
  }

  @Override
  public boolean isLoggingEnabled(int logLevel) {
    if (logLevel <= TRACE_WARN) {
      return true;
    }
    if (logLevel == TRACE_MESSAGES) {
      return SipTracing.enabled() || LOG.isDebugEnabled();
    }
    return logLevel == TRACE_DEBUG ? LOG.isDebugEnabled() : LOG.isTraceEnabled();
  }

  @Override
  public void logError(String message, Exception ex) {
    LOG.error(message, ex);
  }

  @Override
  public void logWarning(String string) {
    LOG.warn(string);
  }

  @Override
  public void logInfo(String string) {
    LOG.debug(string);
  }

  @Override
  public void disableLogging() {}

  @Override
  public void enableLogging() {}

  @Override
  public void setBuildTimeStamp(String buildTimeStamp) {}

  @Override
  public void setStackProperties(Properties stackProperties) {}

  @Override
  public String getLoggerName() {
    return LOG.getName();
  }
}
