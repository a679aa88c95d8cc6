package io.baton.media;

import java.io.IOException;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The media of one call anchored at an SBC: a set of sides (the caller's, the first destination's,
 * later the new destination's) of which two at a time are bridged. Moving the caller to a new leg
 * is one {@link #bridge} call; the caller's own port, and so its SDP, never changes.
 */
public final class RelaySession implements AutoCloseable {
  private final String id;
  private final MediaRelay relay;
  private final List<RelaySide> sides = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  RelaySession(String id, MediaRelay relay) {
    this.id = id;
    this.relay = relay;
  }

  public String id() {
    return id;
  }

  /**
   * Binds a new side on a free port of the pool.
   *
   * @throws IOException if no RTP port is free
   */
  public RelaySide addSide(String name) throws IOException {
    if (closed) {
      throw new IOException("relay session " + id + " is closed");
    }
    DatagramChannel channel = relay.pool().bind();
    int port = ((java.net.InetSocketAddress) channel.getLocalAddress()).getPort();
    RelaySide side = new RelaySide(id + "/" + name, channel, () -> relay.released(port));
    sides.add(side);
    relay.started(side);
    return side;
  }

  /**
   * Connects two sides both ways. Either side's previous partner is left unbridged: its packets are
   * dropped until it is bridged again or closed.
   */
  public synchronized void bridge(RelaySide a, RelaySide b) {
    if (!sides.contains(a) || !sides.contains(b) || a == b) {
      throw new IllegalArgumentException("cannot bridge " + a + " and " + b + " in session " + id);
    }
    unbridge(a);
    unbridge(b);
    a.partner(b);
    b.partner(a);
  }

  /** Leaves a side unbridged: what it receives is dropped. */
  public synchronized void unbridge(RelaySide side) {
    side.detach();
  }

  /** Closes one side (e.g. the released old leg's) and returns its port. */
  public void closeSide(RelaySide side) {
    side.close();
    sides.remove(side);
  }

  public List<RelaySide> sides() {
    return List.copyOf(sides);
  }

  public boolean closed() {
    return closed;
  }

  /** Closes every side and returns every port. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (RelaySide side : sides) {
      side.close();
    }
    sides.clear();
    relay.sessionClosed(this);
  }
}
