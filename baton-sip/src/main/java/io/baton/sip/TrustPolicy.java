package io.baton.sip;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Who may ask what of one element (the {@code trust:} block of its configuration; docs/security.md
 * "What each element trusts"), read like an access list: its peers, each with the requests it may
 * send, and what everyone else (the public) may send. A peer's list adds to the public's. A source
 * is recognised by the packet's address and, over UDP, its port (never by a header, which anyone
 * can write); over TCP and TLS the source port is the connection's own, ephemeral one, so a peer
 * listed with a port is recognised over UDP only, and one listed by address alone over any
 * transport. A peer listed with a TLS identity is recognised only over TLS, on a connection whose
 * certificate carries that identity. Plain data: no SIP, no I/O; each element asks it first thing
 * for every request ({@code checkTrust}).
 *
 * <pre>
 * trust:
 *   peers:
 *     - {name: proxy, address: 127.0.0.1:5080, may: [refer, in-dialog, options]}
 *     - {name: sbc-carrier, address: 10.0.0.12, tls: {identity: sbc-carrier.example}, may: [in-dialog]}
 *   public: {may: [options, invite-to-did, in-dialog]}
 * </pre>
 *
 * @param peers the elements and neighbours this element knows, by name; they also see and are
 *     believed about Baton's own {@code X-Baton-*} headers
 * @param publicAccess what any other source may send ({@code public:})
 */
public record TrustPolicy(List<Peer> peers, @JsonProperty("public") PublicAccess publicAccess) {

  public TrustPolicy {
    peers = peers == null ? List.of() : List.copyOf(peers);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < peers.size(); i++) {
      Peer peer = peers.get(i);
      if (peer == null) {
        throw new IllegalArgumentException("peers[" + i + "]: empty peer");
      }
      if (!names.add(peer.name())) {
        throw new IllegalArgumentException(
            "peers[" + i + "].name: '" + peer.name() + "' is listed twice");
      }
    }
    publicAccess = publicAccess == null ? PublicAccess.NOTHING : publicAccess;
  }

  /** Nobody may ask anything: the default until a configuration says otherwise. */
  public static TrustPolicy none() {
    return new TrustPolicy(List.of(), PublicAccess.NOTHING);
  }

  /** No peers; anyone may send {@code may}. */
  public static TrustPolicy publicMay(Permission... may) {
    return new TrustPolicy(List.of(), new PublicAccess(List.of(may)));
  }

  /** The same policy with one more peer. */
  public TrustPolicy withPeer(Peer peer) {
    List<Peer> more = new ArrayList<>(peers);
    more.add(peer);
    return new TrustPolicy(more, publicAccess);
  }

  /**
   * What {@code source} gets when it asks for {@code asked}: granted (as a peer or as the public),
   * or refused. An {@code invite} is granted as {@link Permission#INVITE_TO_DID} to a source that
   * may only call the network's DIDs: the element must then check the number.
   */
  public Decision decide(Source source, Permission asked) {
    Optional<Peer> peer = peerOf(source);
    Set<Permission> may = EnumSet.noneOf(Permission.class);
    may.addAll(publicAccess.may());
    peer.ifPresent(p -> may.addAll(p.may()));
    String as = peer.map(Peer::name).orElse(null);
    if (may.contains(asked)) {
      return new Decision(asked, as);
    }
    if (asked == Permission.INVITE && may.contains(Permission.INVITE_TO_DID)) {
      return new Decision(Permission.INVITE_TO_DID, as);
    }
    return new Decision(null, as);
  }

  /**
   * What {@code source} gets for a request with {@code method}, in a dialog or not. An ACK or a
   * CANCEL belongs to an INVITE transaction (RFC 3261 §17.2.1, §9.2): a source that may send
   * INVITEs may send them too, or the ACK of a non-2xx (the redirect server's 302) would be refused
   * and the final response retransmitted until Timer H.
   */
  public Decision decide(Source source, String method, boolean inDialog) {
    Decision decision = decide(source, Permission.of(method, inDialog));
    if (!decision.allowed() && ("ACK".equals(method) || "CANCEL".equals(method))) {
      Decision invite = decide(source, Permission.INVITE);
      if (invite.allowed()) {
        return new Decision(Permission.IN_DIALOG, invite.peer());
      }
    }
    return decision;
  }

  /**
   * The peers' addresses as written ({@code host} or {@code host:port}): exempt from rate limits.
   */
  public List<String> peerAddresses() {
    return peers.stream().map(p -> p.address().toString()).toList();
  }

  /** The first peer {@code source} is, if any. */
  public Optional<Peer> peerOf(Source source) {
    return peers.stream().filter(p -> p.recognises(source)).findFirst();
  }

  /** The first peer at {@code nextHop}, where a request is about to go (whatever its transport). */
  public Optional<Peer> peerAt(HostPort nextHop) {
    InetAddress address;
    try {
      address = InetAddress.getByName(nextHop.host());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
    return peers.stream().filter(p -> p.address().matches(address, nextHop.port())).findFirst();
  }

  /**
   * Checks this policy for an element that cannot tell a DID from any other number (it has no
   * redirect server to ask: the proxy, SBC-dest, SBC-carrier): granting {@code invite-to-did} there
   * would be granting nothing, or everything.
   *
   * @param key where the policy sits, for the message: {@code proxy.trust}
   * @throws IllegalArgumentException naming the first key that grants {@code invite-to-did}
   */
  public void requireNoDidCheck(String key) {
    whereGranted(Permission.INVITE_TO_DID)
        .ifPresent(
            at -> {
              throw new IllegalArgumentException(
                  key
                      + "."
                      + at
                      + ": invite-to-did needs the DIDs, which only SBC-edge checks (asking the"
                      + " redirect server); grant invite or nothing here");
            });
  }

  /**
   * The key of the first place {@code permission} is granted: {@code public.may}, {@code
   * peers[1].may}.
   */
  Optional<String> whereGranted(Permission permission) {
    if (publicAccess.may().contains(permission)) {
      return Optional.of("public.may");
    }
    for (int i = 0; i < peers.size(); i++) {
      if (peers.get(i).may().contains(permission)) {
        return Optional.of("peers[" + i + "].may");
      }
    }
    return Optional.empty();
  }

  /**
   * What a request asks of an element, by method and place: the words of a policy's {@code may}
   * lists.
   */
  public enum Permission {
    /** A new call (an INVITE outside a dialog) to any number or URI. */
    INVITE,
    /** A new call to a DID this network serves, and to nothing else (no least-cost routes). */
    INVITE_TO_DID,
    /** A REFER, in or outside a dialog: moving a call. */
    REFER,
    /** OPTIONS outside a dialog (pings, RFC 3261 §11). */
    OPTIONS,
    /**
     * Any request inside a dialog (BYE, re-INVITE, UPDATE, INFO, NOTIFY, ...) and ACK and CANCEL,
     * which belong to an INVITE transaction the element admitted; REFER excepted.
     */
    IN_DIALOG,
    /**
     * Any other request outside a dialog (MESSAGE, SUBSCRIBE, REGISTER, an unknown method): what
     * the element then does with it is its own affair (most answer 405).
     */
    OTHER;

    /** The YAML spelling: {@code invite}, {@code invite-to-did}, {@code in-dialog}, ... */
    @JsonValue
    public String wire() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @throws IllegalArgumentException naming the value and the spellings allowed
     */
    @JsonCreator
    public static Permission parse(String text) {
      for (Permission p : values()) {
        if (p.wire().equals(text)) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "'" + text + "' is not invite, invite-to-did, refer, options, in-dialog or other");
    }

    /**
     * What a request with this method asks for: REFER is always {@link #REFER}; ACK, CANCEL and
     * requests inside a dialog (a To tag, RFC 3261 §12.2) are {@link #IN_DIALOG}; an INVITE or
     * OPTIONS outside a dialog is itself; anything else outside a dialog is {@link #OTHER}.
     */
    public static Permission of(String method, boolean inDialog) {
      if ("REFER".equals(method)) {
        return REFER;
      }
      if (inDialog || "ACK".equals(method) || "CANCEL".equals(method)) {
        return IN_DIALOG;
      }
      return switch (method) {
        case "INVITE" -> INVITE;
        case "OPTIONS" -> OPTIONS;
        default -> OTHER;
      };
    }
  }

  /**
   * One peer of the element.
   *
   * @param name how logs and docs call it ({@code proxy}); unique in the policy
   * @param address {@code host} (any port) or {@code host:port} (that UDP source only)
   * @param tls the identity its TLS certificate must carry, when it connects over TLS (optional)
   * @param may what it may send besides what the public may
   */
  public record Peer(String name, PeerAddress address, Tls tls, List<Permission> may) {
    public Peer {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("name: required");
      }
      if (address == null) {
        throw new IllegalArgumentException("address: required (host or host:port)");
      }
      if (tls != null && address.port() != PeerAddress.ANY_PORT) {
        // it would never be recognised: over TLS the source port is the connection's own
        throw new IllegalArgumentException(
            "address: '" + address + "' has a port, a peer with tls is listed by host only");
      }
      may = copyOf(may);
    }

    /** A peer without a TLS identity. */
    public Peer(String name, String address, Permission... may) {
      this(name, PeerAddress.parse(address), null, List.of(may));
    }

    /**
     * Its address, and over UDP its port; over TCP and TLS a peer listed with a port is never
     * recognised (the source port is the connection's own). A peer listed with a {@code
     * tls.identity} is recognised only over TLS, on a connection whose certificate carries that
     * identity: neither a datagram from its address (which anyone can forge) nor another element's
     * certificate from an address it may share is enough.
     */
    boolean recognises(Source source) {
      InetSocketAddress from = source.address();
      if (from == null || from.getAddress() == null || !address.host().equals(from.getAddress())) {
        return false;
      }
      if (address.port() != PeerAddress.ANY_PORT
          && !(source.datagram() && address.port() == from.getPort())) {
        return false;
      }
      return tls == null
          || (source.transport().equals("tls")
              && tls.identity().equalsIgnoreCase(String.valueOf(source.tlsIdentity())));
    }
  }

  /**
   * A peer's address: {@code host} or {@code [v6]} for any port, {@code host:port} for one. A host
   * name is resolved once, when the configuration is read.
   */
  public record PeerAddress(InetAddress host, int port, String text) {
    /** A peer written without a port. */
    public static final int ANY_PORT = 0;

    /**
     * @throws IllegalArgumentException naming the text that is neither host nor host:port
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static PeerAddress parse(String text) {
      if (text == null || text.isBlank()) {
        throw new IllegalArgumentException("'' is not host or host:port");
      }
      String s = text.strip();
      long colons = s.chars().filter(c -> c == ':').count();
      boolean withPort = s.startsWith("[") ? s.contains("]:") : colons == 1;
      try {
        if (withPort) {
          HostPort hp = HostPort.parse(s);
          return new PeerAddress(InetAddress.getByName(hp.host()), hp.port(), s);
        }
        return new PeerAddress(
            InetAddress.getByName(s.replace("[", "").replace("]", "")), ANY_PORT, s);
      } catch (UnknownHostException | IllegalArgumentException e) {
        // No cause: the configuration's error is this message, not the resolver's.
        throw new IllegalArgumentException("'" + text + "' is not host or host:port");
      }
    }

    boolean matches(InetAddress address, int sourcePort) {
      return host.equals(address) && (port == ANY_PORT || port == sourcePort);
    }

    @JsonValue
    @Override
    public String toString() {
      return text;
    }
  }

  /**
   * The identity a peer's TLS certificate carries (subjectAltName DNS or URI, RFC 5922 §7.1). A
   * peer listed with one is recognised only over TLS, by the certificate verified during the
   * handshake: requests from its address over UDP or TCP are the public's.
   */
  public record Tls(String identity) {
    public Tls {
      if (identity == null || identity.isBlank()) {
        throw new IllegalArgumentException("tls.identity: required in a tls block");
      }
    }
  }

  /**
   * What any source that is not a peer may send.
   *
   * @param may e.g. {@code [options, invite-to-did, in-dialog]} at SBC-edge; {@code []} inside
   */
  public record PublicAccess(List<Permission> may) {
    public static final PublicAccess NOTHING = new PublicAccess(List.of());

    public PublicAccess {
      may = copyOf(may);
    }
  }

  /**
   * Where a request came from, as the packet says: its source address and port, the transport it
   * arrived on ({@code udp}, {@code tcp}, {@code tls}), and the identity of a verified TLS peer
   * certificate (null when there is none).
   */
  public record Source(InetSocketAddress address, String transport, String tlsIdentity) {
    public Source {
      transport = transport == null ? "udp" : transport.toLowerCase(Locale.ROOT);
    }

    /** True for a datagram, whose source port is the sender's own (its SIP port). */
    boolean datagram() {
      return transport.equals("udp");
    }

    @Override
    public String toString() {
      return address + "/" + transport + (tlsIdentity == null ? "" : " (" + tlsIdentity + ")");
    }
  }

  /**
   * A policy's answer.
   *
   * @param granted what the source may do here ({@link Permission#INVITE_TO_DID} for an INVITE from
   *     a source that may call DIDs only); null if refused
   * @param peer the name of the peer the source is; null for the public
   */
  public record Decision(Permission granted, String peer) {
    public boolean allowed() {
      return granted != null;
    }

    /** True for a source that is one of the element's peers (whatever it asked). */
    public boolean fromPeer() {
      return peer != null;
    }

    /** An INVITE allowed to the network's DIDs only. */
    public boolean didsOnly() {
      return granted == Permission.INVITE_TO_DID;
    }
  }

  private static List<Permission> copyOf(List<Permission> may) {
    if (may == null) {
      return List.of();
    }
    for (int i = 0; i < may.size(); i++) {
      if (may.get(i) == null) {
        throw new IllegalArgumentException("may[" + i + "]: empty entry");
      }
    }
    return List.copyOf(may);
  }
}
