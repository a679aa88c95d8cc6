package io.baton.media;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of a relayed call: a local RTP port facing one peer. Packets received here go out of the
 * bridged partner side towards its peer. The peer's address starts as the one its SDP named and
 * latches onto the source of the first packet that arrives (symmetric RTP, RFC 4961), which is what
 * gets media through NATs.
 */
public final class RelaySide implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RelaySide.class);

  private final String name;
  private final DatagramChannel channel;
  private final int localPort;
  private final Runnable onClose;
  private final AtomicLong packetsIn = new AtomicLong();
  private final AtomicLong packetsOut = new AtomicLong();
  private volatile InetSocketAddress peer;
  private volatile boolean latched;
  private volatile RelaySide partner;
  private volatile boolean closed;

  RelaySide(String name, DatagramChannel channel, Runnable onClose) throws IOException {
    this.name = name;
    this.channel = channel;
    this.localPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
    this.onClose = onClose;
  }

  public String name() {
    return name;
  }

  /** Where the peer must send RTP: this side's local address. */
  public InetSocketAddress local() {
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException("side " + name + " is closed", e);
    }
  }

  public int localPort() {
    return localPort;
  }

  /** The address the peer's SDP gave; packets go there until the peer's first packet latches. */
  public void expectPeer(InetSocketAddress sdpAddress) {
    this.peer = sdpAddress;
    this.latched = false;
  }

  public InetSocketAddress peer() {
    return peer;
  }

  public boolean latched() {
    return latched;
  }

  void partner(RelaySide side) {
    this.partner = side;
  }

  /** Unbridges this side: neither it nor its partner forwards to the other any more. */
  void detach() {
    RelaySide old = partner;
    if (old != null && old.partner == this) {
      old.partner = null;
    }
    partner = null;
  }

  public RelaySide partner() {
    return partner;
  }

  /** Packets received from this side's peer. */
  public long packetsIn() {
    return packetsIn.get();
  }

  /** Packets sent to this side's peer. */
  public long packetsOut() {
    return packetsOut.get();
  }

  DatagramChannel channel() {
    return channel;
  }

  /**
   * Reads every datagram waiting on this side's (non-blocking) socket and forwards each to the
   * partner's peer; called by the relay loop when the socket is readable.
   */
  void drain(ByteBuffer buffer) {
    while (!closed) {
      SocketAddress from;
      try {
        buffer.clear();
        from = channel.receive(buffer);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        LOG.debug("relay side {} receive failed: {}", name, e.toString());
        return;
      }
      if (from == null) {
        return;
      }
      packetsIn.incrementAndGet();
      if (!latched && from instanceof InetSocketAddress source) {
        peer = source;
        latched = true;
      }
      RelaySide to = partner;
      if (to != null) {
        buffer.flip();
        to.sendToPeer(buffer);
      }
    }
  }

  private void sendToPeer(ByteBuffer packet) {
    InetSocketAddress target = peer;
    if (target == null || closed) {
      return;
    }
    try {
      // Non-blocking: a full socket buffer drops the packet, as any RTP hop may.
      if (channel.send(packet, target) > 0) {
        packetsOut.incrementAndGet();
      }
    } catch (IOException e) {
      LOG.debug("relay side {} send to {} failed: {}", name, target, e.toString());
    }
  }

  public boolean closed() {
    return closed;
  }

  /** Stops relaying on this side and returns its port to the pool. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    detach();
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing side {}: {}", name, e.toString());
    }
    onClose.run();
  }

  @Override
  public String toString() {
    return name + "@" + localPort + "->" + peer;
  }
}
