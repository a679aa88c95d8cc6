package io.baton.store;

import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import io.baton.contract.MaxRate;
import io.baton.routing.Numbers;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where one tenant's transfers may go and how many it may start: the toll-fraud guard of
 * docs/security.md, "Transfer destination policy". Named targets ({@code target:sales}) are always
 * allowed: the tenant's admin set them. A number or {@code sip:} URI given directly is allowed only
 * as the lists say, and never an element of Baton's own network. Bound from the seed's {@code
 * transferPolicy:} and the admin API's body alike; an absent field takes its default, and {@link
 * #check} names the field that is wrong.
 *
 * @param allowedNumbers where a number may go: ISO 3166 regions of the number as libphonenumber
 *     tells them ({@code US}; {@code JM} for +1876, not {@code US}) or E.164 prefixes ({@code
 *     +1646}); default none. Satellite numbers (+870, +881, +882, +883) pass only by a prefix
 *     within their own code ({@code +8816}), never by a shorter one
 * @param allowedNumberTypes the kinds of line a number may be, libphonenumber's {@code
 *     PhoneNumberType} names; default {@code FIXED_LINE}, {@code MOBILE}, {@code
 *     FIXED_LINE_OR_MOBILE}, {@code TOLL_FREE}. {@code PREMIUM_RATE}, {@code SHARED_COST}, {@code
 *     VOIP}, {@code PERSONAL_NUMBER}, {@code PAGER}, {@code UAN}, {@code VOICEMAIL} and {@code
 *     UNKNOWN} (no known range: where short-stopping fraud lives) only when listed
 * @param allowedSipDomains the hosts a {@code sip:} URI may name: a domain ({@code
 *     pbx.example.com}, that name only), every subdomain of one ({@code *.example.com}), or an IP
 *     address; default none
 * @param maxRatePerMinute the dearest carrier route a number may take, per minute in the rate
 *     decks' currency, named targets' numbers included; null: no ceiling
 * @param maxTransfersPerMinute transfers the tenant may start in any 60 seconds (default {@value
 *     #DEFAULT_PER_MINUTE})
 * @param maxTransfersInFlight transfers of the tenant not yet ended (default {@value
 *     #DEFAULT_IN_FLIGHT})
 */
public record TransferPolicy(
    List<String> allowedNumbers,
    List<String> allowedNumberTypes,
    List<String> allowedSipDomains,
    BigDecimal maxRatePerMinute,
    Integer maxTransfersPerMinute,
    Integer maxTransfersInFlight) {

  /** The kinds of line a number may be unless the policy says otherwise. */
  public static final List<String> DEFAULT_TYPES =
      List.of(
          PhoneNumberType.FIXED_LINE.name(),
          PhoneNumberType.MOBILE.name(),
          PhoneNumberType.FIXED_LINE_OR_MOBILE.name(),
          PhoneNumberType.TOLL_FREE.name());

  static final int DEFAULT_PER_MINUTE = 60;
  static final int DEFAULT_IN_FLIGHT = 20;

  /** Entries in one list at most. */
  public static final int MAX_ENTRIES = 100;

  static final int MAX_PER_MINUTE = 100_000;
  static final int MAX_IN_FLIGHT = 10_000;

  /**
   * The policy of a tenant that has none: named targets only (no number or {@code sip:} URI given
   * directly), no rate ceiling, 60 transfers a minute, 20 in flight.
   */
  public static final TransferPolicy DEFAULT =
      new TransferPolicy(null, null, null, null, null, null);

  private static final Pattern PREFIX = Pattern.compile("\\+[0-9]{1,15}");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
              + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]{2,45}\\]");
  private static final String LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
  private static final Pattern DOMAIN =
      Pattern.compile(
          "(\\*\\.)?"
              + LABEL
              + "(\\."
              + LABEL
              + ")*\\.[a-z]([a-z0-9-]{0,61}[a-z0-9])?"
              + "|"
              + "[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

  /** Absent lists and limits take their defaults; spellings are made canonical. */
  public TransferPolicy {
    allowedNumbers =
        allowedNumbers == null
            ? List.of()
            : allowedNumbers.stream().map(TransferPolicy::upper).toList();
    allowedNumberTypes =
        allowedNumberTypes == null
            ? DEFAULT_TYPES
            : allowedNumberTypes.stream().map(TransferPolicy::upper).toList();
    allowedSipDomains =
        allowedSipDomains == null
            ? List.of()
            : allowedSipDomains.stream().map(TransferPolicy::domain).toList();
    if (maxRatePerMinute != null) {
      BigDecimal plain = maxRatePerMinute.stripTrailingZeros();
      maxRatePerMinute = plain.scale() < 0 ? plain.setScale(0) : plain;
    }
    maxTransfersPerMinute =
        maxTransfersPerMinute == null ? DEFAULT_PER_MINUTE : maxTransfersPerMinute;
    maxTransfersInFlight = maxTransfersInFlight == null ? DEFAULT_IN_FLIGHT : maxTransfersInFlight;
  }

  private static String upper(String s) {
    return s == null ? null : s.strip().toUpperCase(Locale.ROOT);
  }

  /** DNS names compare case-insensitively (RFC 4343); a trailing dot names the same domain. */
  private static String domain(String s) {
    if (s == null) {
      return null;
    }
    String d = s.strip().toLowerCase(Locale.ROOT);
    return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
  }

  /** The number types as libphonenumber's enum (call after {@link #check}). */
  public Set<PhoneNumberType> numberTypes() {
    Set<PhoneNumberType> out = new HashSet<>();
    allowedNumberTypes.forEach(t -> out.add(PhoneNumberType.valueOf(t)));
    return out;
  }

  /**
   * Checks every field.
   *
   * @param key where the policy is, for the message: {@code seed.tenants[0].transferPolicy}, or
   *     {@code ""} for a request body whose fields are named alone
   * @throws IllegalArgumentException {@code <key>.allowedNumbers[2]: 'XX' is not ...}
   */
  public void check(String key) {
    String at = key.isEmpty() ? "" : key + ".";
    list(at + "allowedNumbers", allowedNumbers, TransferPolicy::numberProblem);
    list(at + "allowedNumberTypes", allowedNumberTypes, TransferPolicy::typeProblem);
    list(at + "allowedSipDomains", allowedSipDomains, TransferPolicy::domainProblem);
    if (maxRatePerMinute != null) {
      try {
        MaxRate.format(maxRatePerMinute);
      } catch (IllegalArgumentException e) {
        throw SeedCheck.fail(
            at + "maxRatePerMinute",
            maxRatePerMinute.toPlainString()
                + " is not a rate per minute (0 to 999999.999999, at most 6 decimals)");
      }
    }
    range(at + "maxTransfersPerMinute", maxTransfersPerMinute, MAX_PER_MINUTE);
    range(at + "maxTransfersInFlight", maxTransfersInFlight, MAX_IN_FLIGHT);
  }

  private interface EntryCheck {
    /** What is wrong with {@code entry}, or null. */
    String problem(String entry);
  }

  private static void list(String key, List<String> entries, EntryCheck check) {
    if (entries.size() > MAX_ENTRIES) {
      throw SeedCheck.fail(key, "at most " + MAX_ENTRIES + " entries (has " + entries.size() + ")");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String entry = entries.get(i);
      String problem =
          entry == null || entry.isEmpty()
              ? "missing"
              : !seen.add(entry) ? "'" + entry + "' is given twice" : check.problem(entry);
      if (problem != null) {
        throw SeedCheck.fail(key + "[" + i + "]", problem);
      }
    }
  }

  private static String numberProblem(String entry) {
    return PREFIX.matcher(entry).matches() || Numbers.isRegion(entry)
        ? null
        : "'" + entry + "' is neither an ISO 3166 region (US) nor an E.164 prefix (+1646)";
  }

  private static String typeProblem(String entry) {
    for (PhoneNumberType type : PhoneNumberType.values()) {
      if (type.name().equals(entry)) {
        return null;
      }
    }
    return "'" + entry + "' is not a libphonenumber PhoneNumberType (FIXED_LINE, MOBILE, ...)";
  }

  private static String domainProblem(String entry) {
    return entry.length() <= 253
            && (DOMAIN.matcher(entry).matches()
                || IPV4.matcher(entry).matches()
                || IPV6.matcher(entry).matches())
        ? null
        : "'" + entry + "' is not a domain (example.com, *.example.com) or an IP address";
  }

  private static void range(String key, int value, int max) {
    if (value < 1 || value > max) {
      throw SeedCheck.fail(key, value + " is not a whole number in 1.." + max);
    }
  }
}
