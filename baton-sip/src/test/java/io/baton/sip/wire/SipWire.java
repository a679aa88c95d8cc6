package io.baton.sip.wire;

import io.baton.sip.HostPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A plain socket speaking to one SIP element, with no SIP stack in between: it sends whatever bytes
 * a test gives it (over UDP as one datagram each, or over one TCP connection) and collects every
 * response that comes back. The way to put malformed messages on the real wire.
 */
public abstract sealed class SipWire implements AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(5);

  protected final HostPort target;
  private final List<WireResponse> responses = new CopyOnWriteArrayList<>();
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private SipWire(HostPort target) {
    this.target = target;
    this.reader = Thread.ofPlatform().daemon().name("wire-" + target).unstarted(this::read);
  }

  /** A UDP socket on an ephemeral loopback port, sending to {@code target}. */
  public static SipWire udp(HostPort target) {
    return udp(target, target.host());
  }

  /** A UDP socket on an ephemeral port of {@code fromHost} (e.g. 127.0.0.2: another source). */
  public static SipWire udp(HostPort target, String fromHost) {
    try {
      SipWire udp = new Udp(new DatagramSocket(new InetSocketAddress(fromHost, 0)), target);
      udp.start();
      return udp;
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A TCP connection to {@code target} from an ephemeral local port. */
  public static SipWire tcp(HostPort target) {
    return tcp(target, null);
  }

  /** A TCP connection to {@code target} from an ephemeral port of {@code fromHost}, if given. */
  public static SipWire tcp(HostPort target, String fromHost) {
    try {
      Socket socket = new Socket();
      if (fromHost != null) {
        socket.bind(new InetSocketAddress(fromHost, 0));
      }
      socket.connect(target.toSocketAddress(), 2000);
      SipWire tcp = new Tcp(socket, target);
      tcp.start();
      return tcp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void start() {
    reader.start();
  }

  /** The address responses come back to, written into the fixtures' Via. */
  public abstract HostPort local();

  /** {@code UDP} or {@code TCP}, as in a Via. */
  public abstract String transport();

  /** A fixture filled for this socket and its target. */
  public RawMessage message(String fixture, String user) {
    return RawMessage.of(fixture, local(), target, transport(), user);
  }

  public void send(RawMessage message) {
    send(message.bytes());
  }

  public abstract void send(byte[] bytes);

  /** Every response received so far, in arrival order. */
  public List<WireResponse> responses() {
    return List.copyOf(responses);
  }

  /** The final response (or the last provisional one) to the request sent with this branch. */
  public Optional<WireResponse> awaitFinal(String branch, Duration within) {
    try {
      return Optional.of(
          Awaitility.await()
              .atMost(within)
              .pollInterval(Duration.ofMillis(10))
              .until(() -> finalFor(branch), r -> r != null));
    } catch (ConditionTimeoutException e) {
      return responses.stream().filter(r -> r.answers(branch)).reduce((a, b) -> b);
    }
  }

  private WireResponse finalFor(String branch) {
    return responses.stream()
        .filter(r -> r.answers(branch) && r.status() >= 200)
        .findFirst()
        .orElse(null);
  }

  /** Responses to the request sent with this branch. */
  public List<WireResponse> responsesTo(String branch) {
    return responses.stream().filter(r -> r.answers(branch)).toList();
  }

  /** True until the element closed the connection (always true for UDP). */
  public abstract boolean open();

  @Override
  public abstract void close();

  /** Every message received so far, requests too, as it came off the wire. */
  public List<String> messages() {
    return List.copyOf(messages);
  }

  protected void received(String text) {
    messages.add(text);
    WireResponse response = WireResponse.parse(text);
    if (response != null) {
      responses.add(response);
    }
  }

  protected abstract void read();

  private static final class Udp extends SipWire {
    private final DatagramSocket socket;

    private Udp(DatagramSocket socket, HostPort target) {
      super(target);
      this.socket = socket;
    }

    @Override
    public HostPort local() {
      return HostPort.of((InetSocketAddress) socket.getLocalSocketAddress());
    }

    @Override
    public String transport() {
      return "UDP";
    }

    @Override
    public void send(byte[] bytes) {
      try {
        socket.send(new DatagramPacket(bytes, bytes.length, target.toSocketAddress()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public boolean open() {
      return !socket.isClosed();
    }

    @Override
    protected void read() {
      byte[] buffer = new byte[65536];
      while (!socket.isClosed()) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
          socket.receive(packet);
          received(new String(buffer, 0, packet.getLength(), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  private static final class Tcp extends SipWire {
    private final Socket socket;
    private volatile boolean closedByPeer;

    private Tcp(Socket socket, HostPort target) {
      super(target);
      this.socket = socket;
    }

    @Override
    public HostPort local() {
      return HostPort.of((InetSocketAddress) socket.getLocalSocketAddress());
    }

    @Override
    public String transport() {
      return "TCP";
    }

    @Override
    public void send(byte[] bytes) {
      try {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public boolean open() {
      return !closedByPeer;
    }

    /** Splits the stream into messages by the empty line and Content-Length (RFC 3261 §18.3). */
    @Override
    protected void read() {
      ByteArrayOutputStream pending = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        socket.setSoTimeout(0);
        InputStream in = socket.getInputStream();
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          pending.write(buffer, 0, n);
          pending = splitMessages(pending);
        }
        closedByPeer = true;
      } catch (SocketTimeoutException e) {
        closedByPeer = true;
      } catch (IOException e) {
        closedByPeer = !socket.isClosed();
      }
    }

    private ByteArrayOutputStream splitMessages(ByteArrayOutputStream pending) {
      String text = pending.toString(StandardCharsets.ISO_8859_1);
      while (true) {
        String trimmed = text.stripLeading();
        int end = trimmed.indexOf("\r\n\r\n");
        if (end < 0) {
          break;
        }
        int length = contentLength(trimmed.substring(0, end));
        int total = end + 4 + length;
        if (trimmed.length() < total) {
          break;
        }
        received(trimmed.substring(0, total));
        text = trimmed.substring(total);
      }
      ByteArrayOutputStream rest = new ByteArrayOutputStream();
      rest.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
      return rest;
    }

    private static int contentLength(String head) {
      for (String line : head.split("\r\n")) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:") || lower.startsWith("l:")) {
          return Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      return 0;
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
