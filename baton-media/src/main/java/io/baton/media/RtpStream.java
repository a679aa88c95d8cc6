package io.baton.media;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The audio of a simulated endpoint: one RTP port that sends 20 ms PCMU frames from a source (a
 * tone by default) to a remote address, and counts and measures what it receives, so tests can
 * prove media flows rather than assume it. Once told the negotiated telephone-event payload type it
 * sends and receives DTMF digits as RFC 4733 events.
 */
public final class RtpStream implements AutoCloseable {
  /** A sent digit lasts 100 ms (800 units at 8 kHz), a common keypad press. */
  static final int DIGIT_UNITS = 800;

  /** Audio frames sent between two digits, so receivers see separate presses. */
  static final int INTER_DIGIT_FRAMES = 3;

  /** Volume of sent digits: -10 dBm0 (RFC 4733 §2.3.4; 0-63, lower is louder). */
  static final int DIGIT_VOLUME = 10;

  /** Received frames kept for {@link #receivedFrames()}: 200 ms; older ones are dropped. */
  private static final int BRIDGE_FRAMES = 10;

  /** One µ-law frame of silence (0xFF is µ-law zero). */
  private static final byte[] SILENCE = silence();

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
  private volatile int eventPayloadType = -1;
  private volatile DtmfReceiver dtmf;
  private volatile Queue<byte[]> bridged;
  private final Queue<Character> digitsToSend = new ConcurrentLinkedQueue<>();
  private Iterator<TelephoneEvent> sendingDigit;
  private long digitStart;
  private int pauseFrames;

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

  /**
   * Enables RFC 4733 DTMF on {@code payloadType}, the telephone-event payload type the SDP
   * negotiated: digits sent by {@link #sendDigits} go out on it, and digits received on it are told
   * to {@code onDigit}, each once.
   */
  public void telephoneEvents(int payloadType, Consumer<Character> onDigit) {
    this.dtmf = new DtmfReceiver(onDigit);
    this.eventPayloadType = payloadType;
  }

  /** The negotiated telephone-event payload type; -1 if none. */
  public int telephoneEventPayloadType() {
    return eventPayloadType;
  }

  /**
   * Queues DTMF digits ({@code 0-9 * # A-D}) to send as RFC 4733 events, each 100 ms, instead of
   * audio while they last.
   *
   * @throws IllegalStateException if no telephone-event payload type was negotiated
   * @throws IllegalArgumentException if a character is not a DTMF digit
   */
  public void sendDigits(String digits) {
    if (eventPayloadType < 0) {
      throw new IllegalStateException("no telephone-event payload type negotiated");
    }
    for (char c : digits.toCharArray()) {
      TelephoneEvent.eventOf(c);
    }
    for (char c : digits.toCharArray()) {
      digitsToSend.add(c);
    }
  }

  /**
   * The audio this stream receives, as a source for another stream (to bridge two calls): each call
   * gives the oldest frame not yet taken, or silence when none is waiting.
   */
  public Supplier<byte[]> receivedFrames() {
    Queue<byte[]> queue = new ArrayBlockingQueue<>(BRIDGE_FRAMES);
    bridged = queue;
    return () -> {
      byte[] frame = queue.poll();
      return frame != null ? frame : SILENCE.clone();
    };
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
    RtpPacket packet = nextDigitPacket();
    if (packet == null) {
      byte[] payload = source.get();
      synchronized (this) {
        packet = new RtpPacket(payloadType, sent.get() == 0, sequence, timestamp, ssrc, payload);
        sequence = (sequence + 1) & 0xffff;
        timestamp = (timestamp + payload.length) & 0xffffffffL;
        pauseFrames = Math.max(0, pauseFrames - 1);
      }
    }
    try {
      channel.send(ByteBuffer.wrap(packet.encode()), to);
      sent.incrementAndGet();
    } catch (IOException e) {
      // The peer may not be listening yet; RTP is best effort.
    }
  }

  /**
   * The next packet of the digit being sent, if any: every packet of one event carries its start
   * timestamp, the first one the marker bit (RFC 4733 §2.5.1.1-§2.5.1.2); the media timestamp then
   * jumps past the event.
   */
  private synchronized RtpPacket nextDigitPacket() {
    boolean first = false;
    if (sendingDigit == null) {
      Character next = pauseFrames == 0 ? digitsToSend.poll() : null;
      if (next == null) {
        return null;
      }
      sendingDigit =
          TelephoneEvent.packetsFor(next, DIGIT_UNITS, Tone.FRAME_SAMPLES, DIGIT_VOLUME).iterator();
      digitStart = timestamp;
      first = true;
    }
    TelephoneEvent event = sendingDigit.next();
    RtpPacket packet =
        new RtpPacket(eventPayloadType, first, sequence, digitStart, ssrc, event.encode());
    sequence = (sequence + 1) & 0xffff;
    if (!sendingDigit.hasNext()) {
      sendingDigit = null;
      timestamp = (digitStart + event.duration()) & 0xffffffffL;
      pauseFrames = INTER_DIGIT_FRAMES;
    }
    return packet;
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
        if (packet.payloadType() == eventPayloadType) {
          dtmf.receive(packet.timestamp(), packet.payload());
        } else if (packet.payloadType() == 0) {
          lastRms = G711.ulawRms(packet.payload());
          Queue<byte[]> queue = bridged;
          if (queue != null && !queue.offer(packet.payload())) {
            queue.poll(); // the other side fell behind: drop the oldest frame
            queue.offer(packet.payload());
          }
        }
        lastSource = (InetSocketAddress) from;
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | IllegalArgumentException e) {
        // not RTP, or a transient error: keep listening
      }
    }
  }

  private static byte[] silence() {
    byte[] frame = new byte[Tone.FRAME_SAMPLES];
    java.util.Arrays.fill(frame, (byte) 0xff);
    return frame;
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
