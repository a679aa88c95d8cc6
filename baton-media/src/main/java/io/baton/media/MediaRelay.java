package io.baton.media;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An element's RTP relay: hands out {@link RelaySession}s whose sides bind ports from one pool; one
 * {@link RelayLoop} thread moves every side's packets. Its counters are what tests and metrics read
 * to prove media is released when calls end.
 */
public final class MediaRelay implements AutoCloseable {
  private final PortPool pool;
  private final RelayLoop loop;
  private final Map<String, RelaySession> sessions = new ConcurrentHashMap<>();
  private final AtomicLong sessionCounter = new AtomicLong();

  public MediaRelay(PortPool pool) {
    this.pool = pool;
    this.loop = new RelayLoop("rtp-relay-" + pool.bindAddress());
  }

  PortPool pool() {
    return pool;
  }

  /** The address sides bind and SDP should advertise. */
  public String address() {
    return pool.bindAddress();
  }

  /** Opens a session for one call; {@code label} names it in logs (e.g. the Baton call id). */
  public RelaySession open(String label) {
    String id = label + "#" + sessionCounter.incrementAndGet();
    RelaySession session = new RelaySession(id, this);
    sessions.put(id, session);
    return session;
  }

  void started(RelaySide side) {
    loop.add(side);
  }

  void released(int port) {
    pool.release(port);
  }

  void sessionClosed(RelaySession session) {
    sessions.remove(session.id());
  }

  /** Sessions not yet closed, whose sides count the packets they relay (tests, metrics). */
  public List<RelaySession> sessions() {
    return List.copyOf(sessions.values());
  }

  /** Sessions not yet closed. */
  public int openSessions() {
    return sessions.size();
  }

  /** RTP ports currently bound by this relay. */
  public int portsInUse() {
    return pool.inUse();
  }

  @Override
  public void close() {
    for (RelaySession s : sessions.values()) {
      s.close();
    }
    loop.close();
  }
}
