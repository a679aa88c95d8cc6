package io.baton.media;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.BitSet;

/**
 * The even UDP ports an element may bind for RTP (RFC 3550 §11: RTP on even ports, RTCP on the next
 * odd one). Ports are handed out round-robin, so a port just released is not reused at once and
 * late packets of an old call do not land in a new one.
 */
public final class PortPool {
  private final String bindAddress;
  private final int first;
  private final int last;
  private final BitSet inUse;
  private int next;
  private int used;

  /**
   * @param first lowest port (rounded up to even)
   * @param last highest port
   */
  public PortPool(String bindAddress, int first, int last) {
    if (first < 1024 || last > 65534 || first >= last) {
      throw new IllegalArgumentException(
          "RTP port range " + first + "-" + last + " is not within 1024-65534");
    }
    this.bindAddress = bindAddress;
    this.first = first % 2 == 0 ? first : first + 1;
    this.last = last;
    this.inUse = new BitSet(last - this.first + 1);
    this.next = this.first;
  }

  /**
   * A pool from configuration: {@code ports} written {@code 20000-29999}.
   *
   * @throws IllegalArgumentException naming what is wrong with the range
   */
  public static PortPool parse(String bindAddress, String ports) {
    String[] ends = ports == null ? new String[0] : ports.trim().split("\\s*-\\s*");
    try {
      if (ends.length == 2) {
        return new PortPool(bindAddress, Integer.parseInt(ends[0]), Integer.parseInt(ends[1]));
      }
    } catch (IllegalArgumentException e) {
      // NumberFormatException or a range outside 1024-65534: reported below with the value
    }
    throw new IllegalArgumentException(
        "ports: '" + ports + "' is not first-last within 1024-65534, e.g. 20000-29999");
  }

  public String bindAddress() {
    return bindAddress;
  }

  /** Number of ports (RTP ports, even) the pool can hand out. */
  public int capacity() {
    return (last - first) / 2 + 1;
  }

  public synchronized int inUse() {
    return used;
  }

  /**
   * Binds a UDP channel on the next free even port.
   *
   * @throws IOException if every port is taken (by Baton or by another process)
   */
  public DatagramChannel bind() throws IOException {
    int tries = capacity();
    while (tries-- > 0) {
      int port = reserve();
      if (port < 0) {
        break;
      }
      DatagramChannel channel = DatagramChannel.open();
      try {
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 256 * 1024);
        channel.bind(new InetSocketAddress(bindAddress, port));
        return channel;
      } catch (IOException e) {
        channel.close();
        markFree(port); // taken by someone else: try the next one
      }
    }
    throw new IOException(
        "no free RTP port in " + first + "-" + last + " (" + inUse() + " in use by Baton)");
  }

  /** Returns a port bound by {@link #bind()}; closing the channel is the caller's job. */
  public void release(int port) {
    markFree(port);
  }

  private synchronized int reserve() {
    int slots = capacity();
    for (int i = 0; i < slots; i++) {
      int port = next;
      next = next + 2 > last ? first : next + 2;
      int slot = (port - first) / 2;
      if (!inUse.get(slot)) {
        inUse.set(slot);
        used++;
        return port;
      }
    }
    return -1;
  }

  private synchronized void markFree(int port) {
    int slot = (port - first) / 2;
    if (port >= first && port <= last && inUse.get(slot)) {
      inUse.clear(slot);
      used--;
    }
  }
}
