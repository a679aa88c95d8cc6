package io.baton.sip.internal;

import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.SipStackImpl;
import io.baton.sip.Pike;
import io.baton.sip.SipTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets under a Baton stack ({@code NETWORK_LAYER}), where {@link io.baton.sip.SipLimits} are
 * enforced before JAIN-SIP reads a byte. JAIN-SIP 1.3.0-91 cannot do it itself: with {@code
 * MAX_MESSAGE_SIZE} its TCP parser thread gives up on a long header line, but the connection's
 * reader thread goes on copying the stream into an unbounded buffer until the peer leaves; {@code
 * READ_TIMEOUT} only starts once a message's first line is read; {@code MAX_CONNECTIONS} stops
 * accepting for everybody; and a UDP datagram longer than its buffer arrives cut short, not
 * refused. So here:
 *
 * <ul>
 *   <li>a connection is accepted only while its source holds fewer than {@code
 *       tcpConnectionsPerSource}, the endpoint fewer than {@code tcpConnections}, and the source is
 *       not banned; any other is closed at once, before the stack starts threads for it;
 *   <li>every stream (accepted or opened) is read through a {@link StreamFramer}: the stack gets
 *       whole messages only, a message growing past {@code maxMessageBytes} closes the connection
 *       at once, so does a message not complete within {@code tcpReadTimeout} or a connection
 *       silent for {@code tcpIdleTimeout} between messages;
 *   <li>a datagram over {@code maxMessageBytes} is dropped and counted;
 *   <li>every datagram and every message framed off a stream is counted against its source's
 *       request rate ({@link Pike}) and dropped while the source is banned, before anything parses
 *       it: a flood costs its parsing only until its source is banned.
 * </ul>
 *
 * TLS ({@code sip.tls}) is layered on the same guarded TCP sockets, so its connections count
 * against the same connection limits, and its decrypted stream is framed and timed the same way.
 * Each handshake is done here, before the stack sees the socket, within {@code tcpReadTimeout}:
 * JAIN-SIP 1.3.0-91 would do an accepted connection's handshake on its one accepting thread, where
 * a peer that never finishes one stops every other TLS peer from connecting. Accepted handshakes
 * run in parallel, each on a virtual thread; the server insists on a client certificate, and both
 * sides accept only a chain to {@code sip.tls.trustStore}, over TLS 1.3 or 1.2.
 */
public final class GuardedNetworkLayer implements NetworkLayer {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedNetworkLayer.class);
  private static final int CONNECT_TIMEOUT_MS = 8000;

  private SipStackImpl stack;

  public GuardedNetworkLayer() {}

  @Override
  public void setSipStack(SipStackImpl stack) {
    this.stack = stack;
  }

  private EndpointGuard guard() {
    return EndpointGuard.of(stack);
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress)
      throws IOException {
    return new GuardedServerSocket(guard(), port, backlog, bindAddress);
  }

  @Override
  public Socket createSocket(InetAddress address, int port) throws IOException {
    return connect(address, port, null, 0);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress)
      throws IOException {
    return connect(address, port, localAddress, 0);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connect(address, port, localAddress, localPort);
  }

  private Socket connect(InetAddress address, int port, InetAddress local, int localPort)
      throws IOException {
    GuardedSocket socket = new GuardedSocket(guard(), true);
    try {
      if (local != null || localPort != 0) {
        socket.bind(new InetSocketAddress(local, localPort));
      }
      socket.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MS);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  @Override
  public DatagramSocket createDatagramSocket() throws SocketException {
    return new DatagramSocket();
  }

  @Override
  public DatagramSocket createDatagramSocket(int port, InetAddress address) throws SocketException {
    return new GuardedDatagramSocket(guard(), port, address);
  }

  @Override
  public SSLServerSocket createSSLServerSocket(int port, int backlog, InetAddress bindAddress)
      throws IOException {
    return new TlsServerSocket(guard(), port, backlog, bindAddress);
  }

  @Override
  public SSLSocket createSSLSocket(InetAddress address, int port) throws IOException {
    return createSSLSocket(address, port, null);
  }

  /** Connects, and completes the handshake (the peer's certificate checked) before returning. */
  @Override
  public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress myAddress)
      throws IOException {
    EndpointGuard guard = guard();
    GuardedSocket plain = new GuardedSocket(guard, false);
    try {
      if (myAddress != null) {
        plain.bind(new InetSocketAddress(myAddress, 0));
      }
      plain.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MS);
      SSLSocket tls =
          (SSLSocket)
              guard
                  .tls()
                  .getSocketFactory()
                  .createSocket(plain, address.getHostAddress(), port, true);
      tls.setUseClientMode(true);
      return handshake(guard, plain, tls);
    } catch (IOException e) {
      plain.close();
      throw e;
    }
  }

  /**
   * Completes the handshake within the read timeout; then the socket the stack gets, whose stream
   * is framed and whose peer's identity the guard knows until it closes.
   */
  static TlsSocket handshake(EndpointGuard guard, GuardedSocket plain, SSLSocket tls)
      throws IOException {
    tls.setEnabledProtocols(SipTls.PROTOCOLS.toArray(String[]::new));
    if (!tls.getUseClientMode()) {
      tls.setNeedClientAuth(true);
    }
    plain.setSoTimeout((int) guard.limits().tcpReadTimeout().toMillis());
    try {
      tls.startHandshake();
    } catch (SocketTimeoutException e) {
      guard.readTimeout();
      throw new SSLHandshakeException("no TLS handshake within " + guard.limits().tcpReadTimeout());
    }
    InetSocketAddress peer = (InetSocketAddress) plain.getRemoteSocketAddress();
    guard.tlsConnected(peer, SipTls.identity(tls));
    return new TlsSocket(guard, tls, peer);
  }

  /** Accepts only what the connection limits admit; refuses the rest before the stack sees it. */
  private static final class GuardedServerSocket extends ServerSocket {
    private final EndpointGuard guard;

    GuardedServerSocket(EndpointGuard guard, int port, int backlog, InetAddress bindAddress)
        throws IOException {
      super(port, backlog, bindAddress);
      this.guard = guard;
    }

    @Override
    public Socket accept() throws IOException {
      while (true) {
        GuardedSocket socket = new GuardedSocket(guard, true);
        implAccept(socket);
        if (socket.admit()) {
          return socket;
        }
      }
    }
  }

  /**
   * A TCP socket; an accepted one is counted until it closes. Framed, its input is framed and
   * timed; unframed, it carries TLS, whose decrypted stream {@link TlsSocket} frames instead.
   */
  static final class GuardedSocket extends Socket {
    private final EndpointGuard guard;
    private final boolean framed;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile InetAddress admittedFrom;
    private InputStream input;

    GuardedSocket(EndpointGuard guard, boolean framed) {
      this.guard = guard;
      this.framed = framed;
    }

    /** True if the connection limits admit this accepted socket; if not it is reset and closed. */
    boolean admit() throws IOException {
      InetSocketAddress source = (InetSocketAddress) getRemoteSocketAddress();
      if (guard.admit(source)) {
        admittedFrom = source.getAddress();
        return true;
      }
      LOG.debug("refusing a TCP connection from {}", source);
      try {
        setSoLinger(true, 0); // a reset: nothing of it is kept
      } finally {
        close();
      }
      return false;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (!framed) {
        return super.getInputStream();
      }
      if (input == null) {
        input = new GuardedInput(this, super.getInputStream(), guard);
      }
      return input;
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        if (closed.compareAndSet(false, true) && admittedFrom != null) {
          guard.closed(admittedFrom);
        }
      }
    }
  }

  /** Whole messages out of a stream (each counted against the source's rate), or none. */
  static final class GuardedInput extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private final EndpointGuard guard;
    private final StreamFramer framer;
    private final byte[] buffer = new byte[8192];
    private long deadline;
    private boolean ended;

    GuardedInput(Socket socket, InputStream in, EndpointGuard guard) {
      this.socket = socket;
      this.in = in;
      this.guard = guard;
      this.framer =
          new StreamFramer(
              guard.limits().maxMessageBytes(),
              () ->
                  guard.pike().onRequest((InetSocketAddress) socket.getRemoteSocketAddress())
                      != Pike.Verdict.DROP);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      while (framer.available() == 0) {
        if (ended) {
          return -1;
        }
        fill();
      }
      return framer.take(into, offset, length);
    }

    @Override
    public int available() {
      return framer.available();
    }

    private void fill() throws IOException {
      boolean inMessage = framer.inMessage();
      long now = guard.clock().millis();
      long wait = inMessage ? deadline - now : guard.limits().tcpIdleTimeout().toMillis();
      if (wait <= 0) {
        throw closing(guard::readTimeout, "message not complete within the read timeout");
      }
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, wait));
      int n;
      try {
        n = in.read(buffer);
      } catch (SocketTimeoutException e) {
        throw inMessage
            ? closing(guard::readTimeout, "message not complete within the read timeout")
            : closing(guard::idleConnection, "idle for " + guard.limits().tcpIdleTimeout());
      }
      if (n < 0) {
        ended = true; // a message cut short by the peer's close is never handed on
        return;
      }
      int before = framer.available();
      try {
        framer.feed(buffer, 0, n);
      } catch (StreamFramer.Violation v) {
        throw closing(guard::oversizedStream, v.getMessage());
      }
      if (framer.inMessage() && (!inMessage || framer.available() > before)) {
        deadline = now + guard.limits().tcpReadTimeout().toMillis();
      }
    }

    private IOException closing(Runnable count, String why) {
      count.run();
      // a broken limit counts against the source's rate as a message would
      guard.pike().onRequest((InetSocketAddress) socket.getRemoteSocketAddress());
      LOG.debug("closing TCP connection from {}: {}", socket.getRemoteSocketAddress(), why);
      try {
        socket.setSoLinger(true, 0);
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
      return new IOException(why);
    }
  }

  /**
   * Drops datagrams over the size limit, counts the others against their source's rate and drops
   * those of banned sources, before any parsing.
   */
  private static final class GuardedDatagramSocket extends DatagramSocket {
    private final EndpointGuard guard;
    private final byte[] buffer;

    GuardedDatagramSocket(EndpointGuard guard, int port, InetAddress address)
        throws SocketException {
      super(port, address);
      this.guard = guard;
      this.buffer = new byte[guard.limits().maxMessageBytes() + 1];
    }

    /** Called by the stack's one UDP receiving thread. */
    @Override
    public void receive(DatagramPacket packet) throws IOException {
      while (true) {
        DatagramPacket in = new DatagramPacket(buffer, buffer.length);
        super.receive(in);
        if (in.getLength() > guard.limits().maxMessageBytes()) {
          guard.oversizedDatagram();
          continue;
        }
        InetSocketAddress source = (InetSocketAddress) in.getSocketAddress();
        if (guard.pike().onRequest(source) == Pike.Verdict.DROP) {
          continue;
        }
        packet.setData(Arrays.copyOf(buffer, in.getLength()));
        packet.setSocketAddress(source);
        return;
      }
    }
  }
}
