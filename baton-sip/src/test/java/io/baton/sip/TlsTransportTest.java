package io.baton.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.sip.TrustPolicy.Peer;
import io.baton.sip.TrustPolicy.PeerAddress;
import io.baton.sip.TrustPolicy.Permission;
import io.baton.sip.TrustPolicy.PublicAccess;
import io.baton.sip.TrustPolicy.Source;
import io.baton.sip.wire.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIP over TLS ({@link SipTls}) on the real wire, ephemeral ports: two endpoints with certificates
 * from one test CA talk; a client without a certificate, or with one from another CA, is refused
 * before the stack sees a byte; a certificate naming another element than the trust policy's peer
 * gets {@code 403}; and the TCP limits hold for TLS connections (connection cap, idle, handshake).
 */
class TlsTransportTest {
  @TempDir static Path dir;
  private static TestPki lab;
  private static TestPki rogue;

  private final List<SipEndpoint> endpoints = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();
  private final List<Source> senders = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void pki() {
    lab = TestPki.create(dir, "lab");
    rogue = TestPki.create(dir, "rogue");
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    endpoints.forEach(SipEndpoint::close);
  }

  private static HostPort freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return new HostPort("127.0.0.1", s.getLocalPort());
    }
  }

  /** An endpoint on UDP and TLS answering OPTIONS as {@code policy} decides. */
  private SipEndpoint start(String name, SipTls tls, SipLimits limits, TrustPolicy policy)
      throws Exception {
    SipConfig config = new SipConfig(freePort(), List.of("udp"), 4, null, limits).withTls(tls);
    SipEndpoint endpoint =
        SipEndpoint.start(
            name,
            StackMode.USER_AGENT,
            config,
            request -> {
              senders.add(request.sender());
              boolean allowed =
                  policy == null
                      || policy
                          .decide(request.sender(), request.method(), request.inDialog())
                          .allowed();
              request.respond(allowed ? Response.OK : Response.FORBIDDEN);
            });
    endpoints.add(endpoint);
    return endpoint;
  }

  private SipEndpoint server(TrustPolicy policy) throws Exception {
    return start("server", lab.tls(freePort(), "server.baton.test"), SipLimits.DEFAULTS, policy);
  }

  private SipEndpoint client(String identity, TestPki issuer) throws Exception {
    return start("client", issuer.tls(freePort(), identity, lab), SipLimits.DEFAULTS, null);
  }

  private static int options(SipEndpoint from, SipEndpoint to) throws Exception {
    SipURI target = from.messages().uri("server", to.address("tls"));
    target.setTransportParam("tls");
    return from.send(from.request(Request.OPTIONS, target).build())
        .finalResponse()
        .get(10, TimeUnit.SECONDS)
        .getStatusCode();
  }

  @Test
  void mutualTlsCarriesRequestsAndNamesThePeer() throws Exception {
    SipEndpoint server = server(null);
    SipEndpoint client = client("client.baton.test", lab);

    assertThat(options(client, server)).isEqualTo(Response.OK);

    assertThat(senders).hasSize(1);
    assertThat(senders.get(0).transport()).isEqualTo("tls");
    assertThat(senders.get(0).tlsIdentity()).isEqualTo("client.baton.test");
    assertThat(server.limitCounters().openConnections()).isEqualTo(1);
  }

  @Test
  void aPeerWhoseCertificateNamesAnotherElementIsRefusedByTheTrustPolicy() throws Exception {
    TrustPolicy policy =
        new TrustPolicy(
            List.of(
                new Peer(
                    "edge",
                    PeerAddress.parse("127.0.0.1"),
                    new TrustPolicy.Tls("edge.baton.test"),
                    List.of(Permission.OPTIONS))),
            PublicAccess.NOTHING);
    SipEndpoint server = server(policy);

    assertThat(options(client("mallory.baton.test", lab), server)).isEqualTo(Response.FORBIDDEN);
    endpoints.remove(1).close();
    assertThat(options(client("edge.baton.test", lab), server)).isEqualTo(Response.OK);
  }

  @Test
  void aClientWithoutCertificateIsRefused() throws Exception {
    SipEndpoint server = server(null);
    SSLContext anonymous = SSLContext.getInstance("TLS");
    TrustManagerFactory tm = TrustManagerFactory.getInstance("PKIX");
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(lab.trustStore())) {
      trust.setCertificateEntry(
          "ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    tm.init(trust);
    anonymous.init(null, tm.getTrustManagers(), null);

    assertRefused(anonymous, server);
  }

  @Test
  void aClientCertificateFromAnotherCaIsRefused() throws Exception {
    SipEndpoint server = server(null);
    SSLContext impostor = rogue.tls(freePort(), "edge.baton.test", lab).context();

    assertRefused(impostor, server);
  }

  /** The handshake, or the first read after it (TLS 1.3 refuses after the client's Finished). */
  private void assertRefused(SSLContext context, SipEndpoint server) throws Exception {
    HostPort at = server.address("tls");
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(at.host(), at.port());
    sockets.add(socket);
    socket.setSoTimeout(5000);
    assertThatThrownBy(
            () -> {
              socket.startHandshake();
              socket.getOutputStream().write(optionsText(at).getBytes(StandardCharsets.US_ASCII));
              if (socket.getInputStream().read() < 0) {
                throw new IOException("closed");
              }
            })
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(java.net.SocketTimeoutException.class);
    assertThat(senders).isEmpty();
  }

  @Test
  void tlsConnectionsCountAgainstTheConnectionLimitsAndIdleOnesAreClosed() throws Exception {
    SipLimits limits =
        new SipLimits(
            65536,
            256,
            2,
            8,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            500,
            1000,
            Duration.ofSeconds(30),
            1000,
            List.of());
    SipEndpoint server = start("server", lab.tls(freePort(), "server.baton.test"), limits, null);
    SSLContext edge = lab.tls(freePort(), "edge.baton.test").context();
    HostPort at = server.address("tls");

    SSLSocket first = connect(edge, at);
    SSLSocket second = connect(edge, at);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.limitCounters().openConnections() == 2);
    assertThatThrownBy(() -> connect(edge, at).getInputStream().read())
        .isInstanceOf(IOException.class);
    assertThat(server.limitCounters().refusedConnections()).isEqualTo(1);

    // Silent for tcpIdleTimeout: both closed by the server, and their places free again.
    assertThat(first.getInputStream().read()).isEqualTo(-1);
    assertThat(second.getInputStream().read()).isEqualTo(-1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.limitCounters().openConnections() == 0);
    assertThat(server.limitCounters().idleConnections()).isEqualTo(2);
  }

  @Test
  void aPeerThatNeverHandshakesIsClosedAndDoesNotHoldUpOthers() throws Exception {
    SipLimits limits =
        new SipLimits(
            65536,
            256,
            4,
            8,
            Duration.ofSeconds(30),
            Duration.ofSeconds(1),
            500,
            1000,
            Duration.ofSeconds(30),
            1000,
            List.of());
    SipEndpoint server = start("server", lab.tls(freePort(), "server.baton.test"), limits, null);
    HostPort at = server.address("tls");
    Socket silent = new Socket(at.host(), at.port());
    sockets.add(silent);
    silent.setSoTimeout(5000);

    SipEndpoint client = client("edge.baton.test", lab);
    assertThat(options(client, server)).isEqualTo(Response.OK);

    long started = System.nanoTime();
    try {
      assertThat(silent.getInputStream().read()).isEqualTo(-1);
    } catch (java.net.SocketException reset) {
      // closed with a reset: as good
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    assertThat(server.limitCounters().readTimeouts()).isEqualTo(1);
  }

  private SSLSocket connect(SSLContext context, HostPort at) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(at.host(), at.port());
    sockets.add(socket);
    socket.setSoTimeout(5000);
    socket.startHandshake();
    return socket;
  }

  private static String optionsText(HostPort at) {
    return "OPTIONS sip:server@"
        + at
        + ";transport=tls SIP/2.0\r\n"
        + "Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bK-tls-test\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:probe@127.0.0.1>;tag=1\r\n"
        + "To: <sip:server@"
        + at
        + ">\r\n"
        + "Call-ID: tls-test@127.0.0.1\r\n"
        + "CSeq: 1 OPTIONS\r\n"
        + "Content-Length: 0\r\n\r\n";
  }
}
