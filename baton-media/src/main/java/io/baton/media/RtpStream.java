package io.baton.media;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The audio of a simulated endpoint: one RTP port that sends 20 ms PCMU frames from a source (a
 * tone by default) to a remote address, and counts and measures what it receives, so tests can
 * prove media flows rather than assume it.
 */
public final class RtpStream implements AutoCloseable {
  private final DatagramChannel channel;
  private final MediaClock clock;
  private final long ssrc = ThreadLocalRandom.current().nextLong(1L << 32);
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong receivedBytes = new AtomicLong();
  private volatile double lastRms;
  private final LevelMeter receivedLevel = new LevelMeter();
  private volatile InetSocketAddress lastSource;
  private volatile InetSocketAddress remote;
  private volatile Supplier<byte[]> source;
  private volatile int payloadType = 0;
  private int sequence = ThreadLocalRandom.current().nextInt(1 << 16);
  private long timestamp = ThreadLocalRandom.current().nextLong(1L << 32);
  private volatile boolean closed;

  private final Runnable onClose;

  private RtpStream(DatagramChannel channel, MediaClock clock, Runnable onClose) {
    this.channel = channel;
    this.onClose = onClose;
    this.clock = clock;
    this.source = new Tone(440, 8000)::nextFrame;
    Thread.ofVirtual().name("rtp-stream-" + localPort()).start(this::receive);
  }

  /** Binds a port from {@code pool}. */
  public static RtpStream open(PortPool pool, MediaClock clock) throws IOException {
    DatagramChannel ch = pool.bind();
    int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
    return new RtpStream(ch, clock, () -> pool.release(port));
  }

  /** Binds any free port on {@code address}. */
  public static RtpStream open(String address, MediaClock clock) throws IOException {
    DatagramChannel ch = DatagramChannel.open();
    ch.bind(new InetSocketAddress(address, 0));
    return new RtpStream(ch, clock, () -> {});
  }

  public int localPort() {
    try {
      return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String localAddress() {
    try {
      return ((InetSocketAddress) channel.getLocalAddress()).getAddress().getHostAddress();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What to send: 160-byte µ-law frames, one per 20 ms; a 440 Hz tone unless set. */
  public void source(Supplier<byte[]> frames) {
    this.source = frames;
  }

  public void payloadType(int pt) {
    this.payloadType = pt;
  }

  /** Starts (or redirects) sending to {@code to}, a frame every 20 ms of the media clock. */
  public void sendTo(InetSocketAddress to) {
    this.remote = to;
    if (!closed) {
      clock.add(this);
    }
  }

  /** Stops sending; receiving goes on. */
  public void stopSending() {
    clock.remove(this);
  }

  void sendFrame() {
    InetSocketAddress to = remote;
    if (to == null || closed) {
      return;
    }
    byte[] payload = source.get();
    RtpPacket packet;
    synchronized (this) {
      packet = new RtpPacket(payloadType, sent.get() == 0, sequence, timestamp, ssrc, payload);
      sequence = (sequence + 1) & 0xffff;
      timestamp = (timestamp + payload.length) & 0xffffffffL;
    }
    try {
      channel.send(ByteBuffer.wrap(packet.encode()), to);
      sent.incrementAndGet();
    } catch (IOException e) {
      // The peer may not be listening yet; RTP is best effort.
    }
  }

  private void receive() {
    ByteBuffer buffer = ByteBuffer.allocate(2048);
    while (!closed) {
      try {
        buffer.clear();
        SocketAddress from = channel.receive(buffer);
        buffer.flip();
        RtpPacket packet = RtpPacket.parse(buffer);
        receivedLevel.addRtp(packet.payloadType(), packet.payload());
        received.incrementAndGet();
        receivedBytes.addAndGet(packet.payload().length);
        if (packet.payloadType() == 0) {
          lastRms = G711.ulawRms(packet.payload());
        }
        lastSource = (InetSocketAddress) from;
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | IllegalArgumentException e) {
        // not RTP, or a transient error: keep listening
      }
    }
  }

  public long packetsSent() {
    return sent.get();
  }

  public long packetsReceived() {
    return received.get();
  }

  /** RMS level of the last PCMU packet received (0 for silence). */
  public double lastLevel() {
    return lastRms;
  }

  /** The level of the G.711 audio received so far, window by window. */
  public LevelMeter receivedLevel() {
    return receivedLevel;
  }

  /** Where the last packet came from. */
  public InetSocketAddress lastSource() {
    return lastSource;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopSending();
    try {
      channel.close();
    } catch (IOException e) {
      // closing
    }
    onClose.run();
  }
}
