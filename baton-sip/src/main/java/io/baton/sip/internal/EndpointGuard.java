package io.baton.sip.internal;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.MessageChannel;
import io.baton.sip.DialogOwners;
import io.baton.sip.LimitCounters;
import io.baton.sip.Pike;
import io.baton.sip.SipLimits;
import io.baton.sip.TrustPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.sip.SipStack;

/**
 * One endpoint's bounds, shared by the pieces JAIN-SIP instantiates by class name for its stack
 * ({@link GuardedNetworkLayer}, {@link CheckedMessageParser}, {@link MalformedRequestValve}), which
 * find it through the stack's configuration property {@link #PROPERTY}: the limits, the rate
 * policy, the open TCP connections per source, the TLS context and the identities of the TLS peers
 * connected now, and what was refused.
 */
public final class EndpointGuard {
  /** The stack property naming an endpoint's guard. */
  public static final String PROPERTY = "io.baton.sip.ENDPOINT_GUARD";

  /**
   * By stack name. JAIN-SIP's factory hands out a stack it made before under the same name again,
   * with the pieces it instantiated then, so they look their guard up by name each time.
   */
  private static final Map<String, EndpointGuard> GUARDS = new ConcurrentHashMap<>();

  private final String id;
  private final SipLimits limits;
  private final Pike pike;
  private final Clock clock;
  private final boolean answersUnknownMethods;
  private final SSLContext tls;
  private final Map<InetSocketAddress, String> tlsPeers = new ConcurrentHashMap<>();
  private volatile TrustPolicy trust;
  private volatile DialogOwners dialogOwners;
  private final Map<InetAddress, Integer> connections = new HashMap<>();
  private int openConnections;
  private final AtomicLong oversizedDatagrams = new AtomicLong();
  private final AtomicLong refusedConnections = new AtomicLong();
  private final AtomicLong oversizedStreams = new AtomicLong();
  private final AtomicLong idleConnections = new AtomicLong();
  private final AtomicLong readTimeouts = new AtomicLong();

  private EndpointGuard(
      String id,
      SipLimits limits,
      Pike pike,
      Clock clock,
      boolean answersUnknownMethods,
      SSLContext tls) {
    this.id = id;
    this.tls = tls;
    this.limits = limits;
    this.pike = pike;
    this.clock = clock;
    this.answersUnknownMethods = answersUnknownMethods;
  }

  /**
   * The guard for the stack named {@code stackName} about to be created (or taken again); the name
   * goes into the stack's properties as {@link #PROPERTY}. {@link #release()} it when the stack
   * stops.
   *
   * @param answersUnknownMethods false for a proxy, which forwards them (RFC 3261 §16.6)
   * @param tls the context TLS connections are made with; null without TLS
   */
  public static EndpointGuard register(
      String stackName,
      SipLimits limits,
      Pike pike,
      Clock clock,
      boolean answersUnknownMethods,
      SSLContext tls) {
    EndpointGuard guard =
        new EndpointGuard(stackName, limits, pike, clock, answersUnknownMethods, tls);
    GUARDS.put(stackName, guard);
    return guard;
  }

  /** The guard of {@code stack}. */
  static EndpointGuard of(SipStack stack) {
    String id = ((SipStackImpl) stack).getConfigurationProperties().getProperty(PROPERTY);
    EndpointGuard guard = id == null ? null : GUARDS.get(id);
    if (guard == null) {
      throw new IllegalStateException("no endpoint guard for stack " + stack.getStackName());
    }
    return guard;
  }

  public String id() {
    return id;
  }

  public void release() {
    GUARDS.remove(id, this);
  }

  SipLimits limits() {
    return limits;
  }

  Pike pike() {
    return pike;
  }

  Clock clock() {
    return clock;
  }

  SSLContext tls() {
    if (tls == null) {
      throw new IllegalStateException(id + ": no sip.tls configured");
    }
    return tls;
  }

  /** A TLS connection with {@code peer} is up; its certificate names {@code identity}. */
  void tlsConnected(InetSocketAddress peer, String identity) {
    if (identity != null) {
      tlsPeers.put(peer, identity);
    }
  }

  void tlsClosed(InetSocketAddress peer) {
    tlsPeers.remove(peer);
  }

  /**
   * Who sent a request that arrived on {@code channel} from {@code packetSource}, for the trust
   * policy: the channel's transport (not the Via's claim) and, over TLS, the identity the
   * certificate of that connection carries (null if it is gone).
   */
  public TrustPolicy.Source source(InetSocketAddress packetSource, MessageChannel channel) {
    String transport = channel.getTransport();
    String identity =
        "tls".equalsIgnoreCase(transport)
            ? tlsPeers.get(new InetSocketAddress(channel.getPeerAddress(), channel.getPeerPort()))
            : null;
    return new TrustPolicy.Source(packetSource, transport, identity);
  }

  boolean answersUnknownMethods() {
    return answersUnknownMethods;
  }

  /** The element's trust policy, which the valve asks first (null: none, the element asks). */
  public void trust(TrustPolicy policy) {
    this.trust = policy;
  }

  TrustPolicy trust() {
    return trust;
  }

  /** Who owns each dialog, which the valve asks after the trust policy (null: nobody is asked). */
  public void dialogOwners(DialogOwners owners) {
    this.dialogOwners = owners;
  }

  DialogOwners dialogOwners() {
    return dialogOwners;
  }

  /**
   * Takes a newly accepted connection from {@code source} into account, unless it is one too many
   * for its source or in all, or the source is banned: then false, and it must be closed.
   */
  synchronized boolean admit(InetSocketAddress source) {
    InetAddress address = source.getAddress();
    int fromSource = connections.getOrDefault(address, 0);
    if (openConnections >= limits.tcpConnections()
        || fromSource >= limits.tcpConnectionsPerSource()
        || pike.banned(source)) {
      refusedConnections.incrementAndGet();
      return false;
    }
    connections.put(address, fromSource + 1);
    openConnections++;
    return true;
  }

  /** An admitted connection has closed. */
  synchronized void closed(InetAddress source) {
    int left = connections.getOrDefault(source, 0) - 1;
    if (left <= 0) {
      connections.remove(source);
    } else {
      connections.put(source, left);
    }
    openConnections--;
  }

  void oversizedDatagram() {
    oversizedDatagrams.incrementAndGet();
  }

  void oversizedStream() {
    oversizedStreams.incrementAndGet();
  }

  void idleConnection() {
    idleConnections.incrementAndGet();
  }

  void readTimeout() {
    readTimeouts.incrementAndGet();
  }

  public synchronized LimitCounters counters() {
    return new LimitCounters(
        openConnections,
        refusedConnections.get(),
        oversizedStreams.get(),
        idleConnections.get(),
        readTimeouts.get(),
        oversizedDatagrams.get(),
        pike.sources(),
        pike.bans(),
        pike.dropped());
  }
}
