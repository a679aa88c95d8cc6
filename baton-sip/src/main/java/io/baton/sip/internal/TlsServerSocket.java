package io.baton.sip.internal;

import io.baton.sip.SipTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS listening socket {@link GuardedNetworkLayer} gives the stack: TCP connections are
 * accepted and admitted as plain ones are (same limits, same counts), each one's handshake runs on
 * a virtual thread of its own within {@code tcpReadTimeout}, and {@link #accept()} hands the stack
 * only connections whose handshake succeeded, peer certificate verified. The stack's settings for
 * client authentication, protocols and cipher suites are Baton's own, made here; its setters are
 * ignored.
 */
final class TlsServerSocket extends SSLServerSocket {
  private static final Logger LOG = LoggerFactory.getLogger(TlsServerSocket.class);
  private static final Socket CLOSED = new Socket();

  private final EndpointGuard guard;
  // Bounded by the connection limits: every socket in it is an admitted connection.
  private final BlockingQueue<Socket> handshaken = new LinkedBlockingQueue<>();
  private Thread acceptor;

  TlsServerSocket(EndpointGuard guard, int port, int backlog, InetAddress bindAddress)
      throws IOException {
    super(port, backlog, bindAddress);
    this.guard = guard;
  }

  @Override
  public Socket accept() throws IOException {
    synchronized (this) {
      if (acceptor == null) {
        acceptor =
            Thread.ofPlatform()
                .daemon()
                .name("tls-accept-" + getLocalPort())
                .start(this::acceptConnections);
      }
    }
    try {
      Socket next = handshaken.take();
      if (next == CLOSED) {
        handshaken.offer(CLOSED);
        throw new SocketException("Socket is closed");
      }
      return next;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SocketException("interrupted");
    }
  }

  private void acceptConnections() {
    while (!isClosed()) {
      GuardedNetworkLayer.GuardedSocket plain = new GuardedNetworkLayer.GuardedSocket(guard, false);
      try {
        implAccept(plain);
        if (plain.admit()) {
          Thread.ofVirtual().name("tls-handshake").start(() -> handshake(plain));
        }
      } catch (IOException e) {
        if (!isClosed()) {
          LOG.debug("TLS accept failed: {}", e.toString());
          pause();
        }
      }
    }
  }

  private void handshake(GuardedNetworkLayer.GuardedSocket plain) {
    InetSocketAddress peer = (InetSocketAddress) plain.getRemoteSocketAddress();
    try {
      // server mode, layered over the admitted connection; closing it closes the connection
      SSLSocket tls = (SSLSocket) guard.tls().getSocketFactory().createSocket(plain, null, true);
      TlsSocket socket = GuardedNetworkLayer.handshake(guard, plain, tls);
      handshaken.add(socket);
      if (isClosed()) {
        socket.close();
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("TLS handshake with {} failed: {}", peer, e.toString());
      // a failed handshake counts against the source's rate as a message would
      guard.pike().onRequest(peer);
      try {
        plain.setSoLinger(true, 0);
        plain.close();
      } catch (IOException closing) {
        // closed anyway
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50); // e.g. out of file descriptors: no spinning
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    super.close();
    List<Socket> waiting = new ArrayList<>();
    handshaken.drainTo(waiting);
    for (Socket s : waiting) {
      if (s != CLOSED) {
        s.close();
      }
    }
    handshaken.offer(CLOSED);
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return guard.tls().getDefaultSSLParameters().getCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {}

  @Override
  public String[] getSupportedCipherSuites() {
    return guard.tls().getSupportedSSLParameters().getCipherSuites();
  }

  @Override
  public String[] getSupportedProtocols() {
    return SipTls.PROTOCOLS.toArray(String[]::new);
  }

  @Override
  public String[] getEnabledProtocols() {
    return SipTls.PROTOCOLS.toArray(String[]::new);
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {}

  @Override
  public void setNeedClientAuth(boolean need) {}

  @Override
  public boolean getNeedClientAuth() {
    return true;
  }

  @Override
  public void setWantClientAuth(boolean want) {}

  @Override
  public boolean getWantClientAuth() {
    return false;
  }

  @Override
  public void setUseClientMode(boolean mode) {}

  @Override
  public boolean getUseClientMode() {
    return false;
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {}

  @Override
  public boolean getEnableSessionCreation() {
    return true;
  }
}
