package io.baton.store;

import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import io.baton.routing.Transport;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A carrier in the seed: {@code {name: cheapnet, gateway: 127.0.0.1:5120, rates: {"+1646": 0.0040},
 * callerId: did, redirectInfo: diversion}}.
 *
 * @param name carrier name (a SIP token: it travels as the {@code carrier} URI parameter)
 * @param gateway where calls through it go, {@code host:port}; or {@code gateways}
 * @param rates E.164 prefix → price of a minute (per-second billing, no fee, always in effect; rate
 *     decks with more come from the admin API and CSV imports)
 * @param callerId whom a transferred call through it presents as the caller: {@code keep} (the
 *     caller's own) or {@code did}; absent, a new carrier gets {@code keep} and a known one keeps
 *     what the database says
 * @param redirectInfo the header naming the transferring DID such a call carries: {@code none},
 *     {@code diversion} or {@code history-info}; absent, as for {@code callerId} ({@code none})
 * @param gateways several gateways, tried in order (instead of {@code gateway})
 * @param transport {@code udp} (default) or {@code tcp}
 * @param weight order among routes of equal cost, larger first (default 100)
 * @param maxCalls legs through it at once; absent for no limit
 */
public record CarrierSeed(
    String name,
    String gateway,
    Map<String, BigDecimal> rates,
    String callerId,
    String redirectInfo,
    List<String> gateways,
    String transport,
    Integer weight,
    Integer maxCalls) {
  private static final Pattern PREFIX = Pattern.compile("\\+[0-9]{0,15}");

  /** What {@code rate_deck.rate_per_minute DECIMAL(12, 6)} holds exactly. */
  private static final int MAX_SCALE = 6;

  private static final BigDecimal MAX_RATE = new BigDecimal("1000000");

  public CarrierSeed {
    rates = rates == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(rates));
    gateways = gateways == null ? List.of() : List.copyOf(gateways);
    // read as on the wire (DID, " did "), stored as written there (the columns' CHECK)
    callerId = CallerId.fromWire(callerId).map(CallerId::wire).orElse(callerId);
    redirectInfo = RedirectInfo.fromWire(redirectInfo).map(RedirectInfo::wire).orElse(redirectInfo);
  }

  /** A carrier with one gateway and the default transport, weight and (no) limit. */
  public CarrierSeed(
      String name,
      String gateway,
      Map<String, BigDecimal> rates,
      String callerId,
      String redirectInfo) {
    this(name, gateway, rates, callerId, redirectInfo, null, null, null, null);
  }

  /** Every gateway, in order. */
  public List<String> allGateways() {
    return gateway != null ? List.of(gateway) : gateways;
  }

  /** Checks the fields, {@code key} naming this entry, e.g. {@code seed.carriers[0]}. */
  void check(String key) {
    SeedCheck.name(key + ".name", name);
    if ((gateway == null) == gateways.isEmpty()) {
      throw SeedCheck.fail(key + ".gateway", "give either gateway or gateways");
    }
    if (gateway != null) {
      SeedCheck.hostPort(key + ".gateway", gateway);
    }
    for (int i = 0; i < gateways.size(); i++) {
      SeedCheck.hostPort(key + ".gateways[" + i + "]", gateways.get(i));
    }
    if (transport != null && Transport.fromWire(transport).isEmpty()) {
      throw SeedCheck.fail(key + ".transport", "'" + transport + "' is not udp or tcp");
    }
    if (weight != null && (weight < 0 || weight > 1_000_000)) {
      throw SeedCheck.fail(key + ".weight", weight + " is not in 0..1000000");
    }
    if (maxCalls != null && maxCalls < 0) {
      throw SeedCheck.fail(key + ".maxCalls", maxCalls + " is negative");
    }
    if (callerId != null && CallerId.fromWire(callerId).isEmpty()) {
      throw SeedCheck.fail(key + ".callerId", "'" + callerId + "' is not keep or did");
    }
    if (redirectInfo != null && RedirectInfo.fromWire(redirectInfo).isEmpty()) {
      throw SeedCheck.fail(
          key + ".redirectInfo", "'" + redirectInfo + "' is not none, diversion or history-info");
    }
    rates.forEach(
        (prefix, rate) -> {
          String at = key + ".rates." + prefix;
          if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw SeedCheck.fail(
                key + ".rates", "'" + prefix + "' is not an E.164 prefix (+digits)");
          }
          if (rate == null || rate.signum() < 0 || rate.compareTo(MAX_RATE) >= 0) {
            throw SeedCheck.fail(at, rate + " is not a price in 0..999999.999999");
          }
          if (rate.stripTrailingZeros().scale() > MAX_SCALE) {
            throw SeedCheck.fail(at, rate + " has more than " + MAX_SCALE + " decimals");
          }
        });
  }
}
