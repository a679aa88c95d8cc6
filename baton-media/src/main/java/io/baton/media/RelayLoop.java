package io.baton.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's packet pump: one thread waiting on every side's socket at once (epoll), reading each
 * ready socket dry and forwarding what it read. A blocking read per socket on its own (virtual)
 * thread costs a park, an unpark and a poller registration per packet; with one selector a packet
 * costs its receive and its send, which is what lets one core relay thousands of packets a second.
 */
final class RelayLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RelayLoop.class);

  private final Selector selector;
  private final Queue<RelaySide> toRegister = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
  private volatile boolean running = true;

  RelayLoop(String name) {
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new IllegalStateException("cannot open a selector for the RTP relay", e);
    }
    this.thread = Thread.ofPlatform().name(name).daemon().start(this::run);
  }

  /** Starts relaying what arrives on {@code side}'s socket. */
  void add(RelaySide side) {
    toRegister.add(side);
    selector.wakeup();
  }

  private void run() {
    while (running) {
      try {
        selector.select();
        registerPending();
        for (SelectionKey key : selector.selectedKeys()) {
          pump(key);
        }
        selector.selectedKeys().clear();
      } catch (ClosedSelectorException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.warn("RTP relay loop: {}", e.toString());
      }
    }
  }

  private void registerPending() {
    RelaySide side;
    while ((side = toRegister.poll()) != null) {
      DatagramChannel channel = side.channel();
      try {
        if (channel.isOpen()) {
          channel.configureBlocking(false);
          channel.register(selector, SelectionKey.OP_READ, side);
        }
      } catch (IOException e) {
        LOG.debug("cannot relay on {}: {}", side, e.toString());
      }
    }
  }

  private void pump(SelectionKey key) {
    RelaySide side = (RelaySide) key.attachment();
    try {
      if (key.isValid() && key.isReadable()) {
        side.drain(buffer);
      }
    } catch (CancelledKeyException e) {
      // the side closed meanwhile
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      selector.close();
    } catch (IOException e) {
      LOG.debug("closing the relay selector: {}", e.toString());
    }
    thread.interrupt();
  }
}
