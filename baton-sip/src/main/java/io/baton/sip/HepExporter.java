package io.baton.sip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every SIP message this process captures to a HEP collector (Homer), once per message on the
 * wire (echoes skipped). Stack threads only queue; one thread sends. When the queue is full (the
 * collector's network is slower than the signalling) messages are dropped and counted, never waited
 * for: capture must not slow calls down.
 */
public final class HepExporter implements SipCapture.Listener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HepExporter.class);
  static final int QUEUE = 8192;

  private final HepConfig config;
  private final DatagramChannel channel;
  private final BlockingQueue<CapturedMessage> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final Thread sender;
  private volatile boolean closed;

  private HepExporter(HepConfig config, DatagramChannel channel) {
    this.config = config;
    this.channel = channel;
    this.sender = Thread.ofPlatform().daemon().name("hep-export").unstarted(this::run);
  }

  /** Starts exporting every message captured from now on. */
  public static HepExporter start(HepConfig config) throws IOException {
    DatagramChannel channel = DatagramChannel.open();
    channel.connect(config.collector().toSocketAddress());
    HepExporter exporter = new HepExporter(config, channel);
    exporter.sender.start();
    SipCapture.addListener(exporter);
    LOG.info("HEP v3 export to {} as capture agent {}", config.collector(), config.id());
    return exporter;
  }

  @Override
  public void onMessage(CapturedMessage message) {
    if (message.echo() || closed) {
      return;
    }
    if (!queue.offer(message) && dropped.incrementAndGet() % 1000 == 1) {
      LOG.warn("HEP export queue full: {} messages dropped so far", dropped.get());
    }
  }

  private void run() {
    while (!closed) {
      CapturedMessage m;
      try {
        m = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        channel.write(ByteBuffer.wrap(Hep.encode(m, config.id())));
        sent.incrementAndGet();
      } catch (IllegalArgumentException e) {
        LOG.debug("not exported over HEP ({}): {}", e.getMessage(), m.firstLine());
      } catch (IOException e) {
        // The collector is not there (ICMP port unreachable): the next one is tried anyway.
        LOG.debug("HEP export to {} failed: {}", config.collector(), e.toString());
      }
    }
  }

  /** Packets sent so far. */
  public long sent() {
    return sent.get();
  }

  /** Messages dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    SipCapture.removeListener(this);
    closed = true;
    sender.interrupt();
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing the HEP channel: {}", e.toString());
    }
  }
}
