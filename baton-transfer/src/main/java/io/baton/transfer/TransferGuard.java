package io.baton.transfer;

import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import io.baton.contract.MaxRate;
import io.baton.routing.CarrierRoute;
import io.baton.routing.Numbers;
import io.baton.store.TransferPolicy;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The toll-fraud guard's decisions (docs/security.md, "Transfer destination policy"): plain policy
 * over data the transfer server gathered, no SIP and no I/O. Each refusal names its {@link Rule}
 * and, in words, the target and the tenant; the API answers it {@code 403} before anything is
 * recorded or sent.
 *
 * <ul>
 *   <li>a number given directly: in {@code allowedNumbers} (region or prefix), not a satellite
 *       number unless a prefix within its code allows it, of an allowed type;
 *   <li>a {@code sip:} URI given directly: its host (and {@code maddr}) in {@code
 *       allowedSipDomains};
 *   <li>every {@code sip:} target, named ones included: no element of the network;
 *   <li>every number target, named ones included: a route at or under {@code maxRatePerMinute};
 *   <li>every request: under {@code maxTransfersPerMinute} and {@code maxTransfersInFlight}.
 * </ul>
 */
final class TransferGuard {
  /** Inmarsat (+870) and the global mobile and international networks (+881, +882, +883). */
  static final List<String> SATELLITE = List.of("+870", "+881", "+882", "+883");

  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-f:.]*:[0-9a-f:.]*");

  private TransferGuard() {}

  /** The rule a refusal names, by the spelling the API's problem carries. */
  enum Rule {
    ALLOWED_NUMBERS("allowed-numbers"),
    SATELLITE("satellite"),
    NUMBER_TYPE("number-type"),
    SIP_DOMAIN("sip-domain"),
    NETWORK_ELEMENT("network-element"),
    MAX_RATE("max-rate"),
    TRANSFERS_PER_MINUTE("transfers-per-minute"),
    TRANSFERS_IN_FLIGHT("transfers-in-flight");

    private final String wire;

    Rule(String wire) {
      this.wire = wire;
    }

    String wire() {
      return wire;
    }
  }

  /** What the guard says. */
  sealed interface Verdict {
    record Allowed() implements Verdict {}

    record Refused(Rule rule, String detail) implements Verdict {}
  }

  private static final Verdict ALLOWED = new Verdict.Allowed();

  /**
   * One target of a request and whose policy holds it.
   *
   * @param tenant the call's tenant, named in refusals ({@code ""}: a call no tenant owns)
   * @param field where the target was in the request ({@code to}, {@code to[1]}, {@code to[1].to})
   * @param to the target as the client wrote it
   * @param named a tenant's named target ({@code target:sales}), set by its admin
   */
  record Subject(String tenant, TransferPolicy policy, String field, String to, boolean named) {
    private String whose() {
      return TransferGuard.whose(tenant);
    }

    /** {@code to[1]: +19005550000} or {@code to: target:x leads to sip:...}. */
    private String what(String destination) {
      return field + ": " + (named ? to + " leads to " + destination : destination);
    }
  }

  /**
   * What least-cost routing finds for a number (no gateway health or carrier load: the transfer
   * server knows neither).
   *
   * @param ownDid the number is an enabled DID of Baton's: the redirect server sends it through the
   *     core proxy, no carrier
   * @param carriers the carriers that reach it, cheapest first
   */
  record Routes(boolean ownDid, List<CarrierRoute> carriers) {
    Routes {
      carriers = List.copyOf(carriers);
    }
  }

  /** A tenant's transfers started in the last 60 seconds, and those not yet ended. */
  record Counts(int lastMinute, int inFlight) {}

  /**
   * A number: given directly, where it may go and what it is; either way, its route's rate.
   *
   * @param routes the number's routes; null when the policy has no ceiling (not looked up)
   */
  static Verdict number(Subject s, String e164, Routes routes) {
    if (!s.named()) {
      Verdict destination = numberDestination(s, e164);
      if (destination instanceof Verdict.Refused) {
        return destination;
      }
    }
    return rate(s, e164, routes);
  }

  private static Verdict numberDestination(Subject s, String e164) {
    TransferPolicy p = s.policy();
    Optional<String> region = Numbers.regionOf(e164);
    boolean listed =
        p.allowedNumbers().stream()
            .anyMatch(
                entry ->
                    entry.startsWith("+")
                        ? e164.startsWith(entry)
                        : region.map(entry::equals).orElse(false));
    if (!listed) {
      return refused(
          Rule.ALLOWED_NUMBERS,
          s.what(e164)
              + " is "
              + region.filter(r -> !r.equals("001")).map(r -> "in " + r).orElse("in no country")
              + ", not among the allowed numbers of "
              + s.whose());
    }
    Optional<String> satellite = SATELLITE.stream().filter(e164::startsWith).findFirst();
    if (satellite.isPresent()
        && p.allowedNumbers().stream()
            .noneMatch(entry -> entry.startsWith(satellite.get()) && e164.startsWith(entry))) {
      return refused(
          Rule.SATELLITE,
          s.what(e164)
              + " is a satellite number ("
              + satellite.get()
              + "), allowed only by a prefix within "
              + satellite.get()
              + ", not for "
              + s.whose());
    }
    PhoneNumberType type = Numbers.typeOf(e164);
    if (!p.numberTypes().contains(type)) {
      return refused(
          Rule.NUMBER_TYPE, s.what(e164) + " is " + type + ", not allowed for " + s.whose());
    }
    return ALLOWED;
  }

  private static Verdict rate(Subject s, String e164, Routes routes) {
    BigDecimal ceiling = s.policy().maxRatePerMinute();
    if (ceiling == null || routes.ownDid()) {
      return ALLOWED;
    }
    Optional<CarrierRoute> cheapest =
        routes.carriers().stream().min(Comparator.comparing(r -> r.rate().perMinute()));
    if (cheapest.isEmpty()) {
      return refused(
          Rule.MAX_RATE,
          s.what(e164)
              + " has no carrier route, none at or under the ceiling of "
              + money(ceiling)
              + "/min of "
              + s.whose());
    }
    BigDecimal rate = cheapest.get().rate().perMinute();
    if (rate.compareTo(ceiling) > 0) {
      return refused(
          Rule.MAX_RATE,
          s.what(e164)
              + ": its cheapest route ("
              + cheapest.get().carrier()
              + ") costs "
              + money(rate)
              + "/min, over the ceiling of "
              + money(ceiling)
              + "/min of "
              + s.whose());
    }
    return ALLOWED;
  }

  /** A {@code sip:} URI given directly: every host it may go to in an allowed domain. */
  static Verdict sipDomain(Subject s, String uri, SipHop hop) {
    if (!s.named()) {
      for (String host : hop.hosts()) {
        if (!inDomains(host, s.policy().allowedSipDomains())) {
          return refused(
              Rule.SIP_DOMAIN,
              s.what(uri) + ": " + host + " is not an allowed SIP domain of " + s.whose());
        }
      }
    }
    return ALLOWED;
  }

  /** Any {@code sip:} target, named ones included: never an element of the network. */
  static Verdict sipReach(Subject s, String uri, NetworkElements.Reach reach) {
    return switch (reach) {
      case NetworkElements.Reach.Outside o -> ALLOWED;
      case NetworkElements.Reach.Element e ->
          refused(
              Rule.NETWORK_ELEMENT,
              s.what(uri)
                  + ", which reaches "
                  + e.name()
                  + " ("
                  + e.address()
                  + "), an element of Baton's network");
      case NetworkElements.Reach.Unresolvable u ->
          refused(
              Rule.NETWORK_ELEMENT,
              s.what(uri)
                  + ": "
                  + u.host()
                  + " does not resolve, so it cannot be told from an element of Baton's network");
    };
  }

  /** The request as a whole: the tenant's pace and what it has running. */
  static Verdict caps(String tenant, TransferPolicy policy, Counts counts) {
    if (counts.lastMinute() >= policy.maxTransfersPerMinute()) {
      return refused(
          Rule.TRANSFERS_PER_MINUTE,
          whose(tenant)
              + " started "
              + counts.lastMinute()
              + " transfers in the last minute, its maxTransfersPerMinute");
    }
    if (counts.inFlight() >= policy.maxTransfersInFlight()) {
      return refused(
          Rule.TRANSFERS_IN_FLIGHT,
          whose(tenant)
              + " has "
              + counts.inFlight()
              + " transfers in flight, its maxTransfersInFlight");
    }
    return ALLOWED;
  }

  /**
   * {@code host} (lower case) against the allowed domains: a name matches itself, {@code
   * *.example.com} every name under {@code example.com}; an address matches the same address
   * however written ({@code ::1}, {@code 0:0:0:0:0:0:0:1}). Nothing is looked up.
   */
  static boolean inDomains(String host, List<String> domains) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    for (String domain : domains) {
      if (domain.startsWith("*.")
          ? h.endsWith(domain.substring(1)) && h.length() > domain.length() - 1
          : domain.equals(h) || sameAddress(h, domain)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameAddress(String host, String domain) {
    String d = domain.startsWith("[") ? domain.substring(1, domain.length() - 1) : domain;
    if (!IP_LITERAL.matcher(host).matches() || !IP_LITERAL.matcher(d).matches()) {
      return false;
    }
    try {
      // literals only: no lookup happens
      return InetAddress.getByName(host).equals(InetAddress.getByName(d));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String whose(String tenant) {
    return tenant.isEmpty() ? "calls without a tenant" : "tenant " + tenant;
  }

  private static Verdict refused(Rule rule, String detail) {
    return new Verdict.Refused(rule, detail);
  }

  private static String money(BigDecimal amount) {
    return MaxRate.format(amount);
  }
}
