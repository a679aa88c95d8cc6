package io.baton.sbc;

import io.baton.contract.ReferSigningConfig;
import io.baton.routing.Numbers;
import io.baton.sip.CallLifetime;
import io.baton.sip.HostPort;
import io.baton.sip.NextHop;
import io.baton.sip.PrefixRoute;
import io.baton.sip.SipConfig;
import io.baton.sip.TrustPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One SBC (an entry of the {@code sbcs:} map). Messages name keys relative to the SBC's own block
 * ({@code routes[0].to}), since the map key is the SBC's name.
 *
 * @param role edge, dest or carrier
 * @param sip where it listens
 * @param redirectServer where SBC-edge asks for routes (edge only): {@code host:port}, or {@code
 *     host:port;transport=tls} ({@code sips:host:port}) over TLS
 * @param routes prefix → next hop (dest and carrier)
 * @param trust who may send what (docs/security.md): its peers, whose {@code X-Baton-*} headers are
 *     believed and which receive them as next hops, and what anyone else may send; default: nobody
 * @param media RTP anchoring (required for edge)
 * @param noAnswerTimeout how long a caller waits for an answer before 408 (default 120s)
 * @param transfer transfer timeouts (edge)
 * @param defaultRegion where a dialled number without a country code is read (SBC-edge records the
 *     call's DID in E.164; default US)
 * @param lifetime how long its calls may live without a word from a peer (ACK, refresh, RTP) and at
 *     most (docs "Call lifetimes")
 * @param admission how many calls it holds at most (docs/security.md "Every limit")
 * @param referSigning (edge) the keys a REFER must be signed with, besides coming from a peer that
 *     may {@code refer} (docs/security.md, "Signed REFERs"); default none: the trust policy alone
 *     decides
 */
public record SbcConfig(
    Role role,
    SipConfig sip,
    NextHop redirectServer,
    List<PrefixRoute> routes,
    TrustPolicy trust,
    MediaConfig media,
    Duration noAnswerTimeout,
    TransferConfig transfer,
    String defaultRegion,
    CallLifetime lifetime,
    CallAdmission admission,
    ReferSigningConfig referSigning) {

  public SbcConfig {
    if (role == null) {
      throw new IllegalArgumentException("role: required (edge, dest or carrier)");
    }
    if (sip == null) {
      throw new IllegalArgumentException("sip: required (sip.listen is where the SBC listens)");
    }
    routes = routes == null ? List.of() : List.copyOf(routes);
    for (int i = 0; i < routes.size(); i++) {
      Objects.requireNonNull(routes.get(i), "routes[" + i + "]: empty route");
    }
    trust = trust == null ? TrustPolicy.none() : trust;
    media = media == null ? MediaConfig.passThrough() : media;
    noAnswerTimeout = noAnswerTimeout == null ? Duration.ofSeconds(120) : noAnswerTimeout;
    if (noAnswerTimeout.isNegative() || noAnswerTimeout.isZero()) {
      throw new IllegalArgumentException(
          "noAnswerTimeout: " + noAnswerTimeout + " is not positive");
    }
    transfer = transfer == null ? TransferConfig.defaults() : transfer;
    defaultRegion = defaultRegion == null ? "US" : defaultRegion;
    try {
      new Numbers(defaultRegion);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "defaultRegion: '" + defaultRegion + "' is not an ISO 3166 region", e);
    }
    lifetime = lifetime == null ? CallLifetime.defaults() : lifetime;
    admission = admission == null ? CallAdmission.defaults() : admission;
    referSigning = referSigning == null ? ReferSigningConfig.off() : referSigning;
    switch (role) {
      case EDGE -> {
        if (redirectServer == null) {
          throw new IllegalArgumentException("redirectServer: required for role edge");
        }
        if (!media.anchor()) {
          throw new IllegalArgumentException(
              "media.anchor: must be true for role edge (SBC-edge anchors the caller's media so"
                  + " a transfer can move it without re-INVITEing the caller)");
        }
      }
      case DEST, CARRIER -> {
        if (routes.isEmpty()) {
          throw new IllegalArgumentException(
              "routes: required for role " + role.wire() + " (prefix → next hop)");
        }
        trust.requireNoDidCheck("trust");
        if (referSigning.enabled()) {
          throw new IllegalArgumentException(
              "referSigning.keys: for role edge only (only SBC-edge runs transfers)");
        }
      }
    }
  }

  /** Dialled numbers without a country code read in the US; default call lifetimes. */
  public SbcConfig(
      Role role,
      SipConfig sip,
      HostPort redirectServer,
      List<PrefixRoute> routes,
      TrustPolicy trust,
      MediaConfig media,
      Duration noAnswerTimeout,
      TransferConfig transfer) {
    this(
        role,
        sip,
        redirectServer == null ? null : new NextHop(redirectServer),
        routes,
        trust,
        media,
        noAnswerTimeout,
        transfer,
        null,
        null,
        null,
        null);
  }

  /** The same SBC with other call lifetimes. */
  public SbcConfig withLifetime(CallLifetime other) {
    return new SbcConfig(
        role,
        sip,
        redirectServer,
        routes,
        trust,
        media,
        noAnswerTimeout,
        transfer,
        defaultRegion,
        other,
        admission,
        referSigning);
  }

  /** The same SBC holding at most {@code maxCalls} calls. */
  public SbcConfig withMaxCalls(int maxCalls) {
    return new SbcConfig(
        role,
        sip,
        redirectServer,
        routes,
        trust,
        media,
        noAnswerTimeout,
        transfer,
        defaultRegion,
        lifetime,
        new CallAdmission(maxCalls, admission.retryAfter()),
        referSigning);
  }
}
