package io.baton.sip;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every SIP message the stacks of this process send or receive, for whoever listens (message
 * ladders, HEP export, message counters). Listeners are per JVM: in the lab one process holds every
 * element, so it sees every message of a call; elements in separate processes each see their own
 * (export them with HEP to see a call whole).
 *
 * <p>Capture costs only while a listener is registered: JAIN-SIP hands messages over only when
 * tracing is on ({@code Slf4jStackLogger.isLoggingEnabled(TRACE_MESSAGES)}), which follows {@link
 * #active()}. Listeners run on the stack's threads: they must be quick and never block.
 */
public final class SipCapture {
  private static final Logger LOG = LoggerFactory.getLogger(SipCapture.class);
  private static final List<Listener> LISTENERS = new CopyOnWriteArrayList<>();
  private static final Set<HostPort> LOCAL = ConcurrentHashMap.newKeySet();
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private SipCapture() {}

  /** Told every message a stack of this process sent or received. */
  @FunctionalInterface
  public interface Listener {
    void onMessage(CapturedMessage message);
  }

  public static void addListener(Listener listener) {
    LISTENERS.add(listener);
  }

  public static void removeListener(Listener listener) {
    LISTENERS.remove(listener);
  }

  /** Whether anyone listens (JAIN-SIP then reports messages). */
  public static boolean active() {
    return !LISTENERS.isEmpty();
  }

  /** A stack of this process listens at {@code address}: what it sends is captured as sent. */
  static void local(HostPort address) {
    LOCAL.add(address);
  }

  static void gone(HostPort address) {
    LOCAL.remove(address);
  }

  /**
   * Whether a message received from {@code source} was sent by a stack of this process (and so was
   * captured once already, as sent).
   */
  public static boolean isLocal(HostPort source) {
    return LOCAL.contains(source);
  }

  /** The next capture sequence number: orders messages captured in the same microsecond. */
  public static long nextSequence() {
    return SEQUENCE.incrementAndGet();
  }

  /** Hands {@code message} to every listener; a failing listener costs only its own copy. */
  public static void publish(CapturedMessage message) {
    for (Listener listener : LISTENERS) {
      try {
        listener.onMessage(message);
      } catch (RuntimeException e) {
        LOG.warn("SIP capture listener failed", e);
      }
    }
  }
}
