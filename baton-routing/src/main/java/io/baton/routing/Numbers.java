package io.baton.routing;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Optional;

/**
 * Phone numbers in and out of Baton: everything is normalised to E.164 ({@code +13125550100}) with
 * libphonenumber, national forms read in the configured default region.
 */
public final class Numbers {
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  private final String defaultRegion;

  /**
   * @param defaultRegion ISO 3166 region for numbers written without a country code, e.g. {@code
   *     US}
   * @throws IllegalArgumentException if libphonenumber does not know the region
   */
  public Numbers(String defaultRegion) {
    if (!UTIL.getSupportedRegions().contains(defaultRegion)) {
      throw new IllegalArgumentException("defaultRegion: '" + defaultRegion + "' is not a region");
    }
    this.defaultRegion = defaultRegion;
  }

  public String defaultRegion() {
    return defaultRegion;
  }

  /**
   * The E.164 form of {@code text} (digits with optional {@code +}, spaces, dashes, dots or
   * brackets), or empty if it is not a possible phone number.
   */
  public Optional<String> toE164(String text) {
    if (text == null || text.isBlank() || text.length() > 40) {
      return Optional.empty();
    }
    String cleaned = text.strip();
    if (!cleaned.matches("\\+?[0-9 ().\\-]+")) {
      return Optional.empty();
    }
    try {
      PhoneNumber number = UTIL.parse(cleaned, defaultRegion);
      if (!UTIL.isPossibleNumber(number)) {
        return Optional.empty();
      }
      return Optional.of(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
    } catch (NumberParseException e) {
      return Optional.empty();
    }
  }

  /** True if {@code text} is already in E.164 form. */
  public static boolean isE164(String text) {
    return text != null && text.matches("\\+[1-9][0-9]{1,14}");
  }

  /** True if libphonenumber knows the numbers of {@code region}, an ISO 3166 code ({@code US}). */
  public static boolean isRegion(String region) {
    return region != null && UTIL.getSupportedRegions().contains(region);
  }

  /**
   * The region an E.164 number belongs to ({@code US}, {@code JM} for +1876), {@code 001} for
   * non-geographic codes (+800, +870, +881, ...); empty if libphonenumber cannot tell.
   */
  public static Optional<String> regionOf(String e164) {
    return parseE164(e164).map(UTIL::getRegionCodeForNumber).filter(r -> !r.equals("ZZ"));
  }

  /**
   * What kind of line an E.164 number is by libphonenumber's metadata ({@code PREMIUM_RATE} for
   * +1900...); {@code UNKNOWN} for a number no range of its country holds.
   */
  public static PhoneNumberType typeOf(String e164) {
    return parseE164(e164).map(UTIL::getNumberType).orElse(PhoneNumberType.UNKNOWN);
  }

  private static Optional<PhoneNumber> parseE164(String e164) {
    if (!isE164(e164)) {
      return Optional.empty();
    }
    try {
      return Optional.of(UTIL.parse(e164, null));
    } catch (NumberParseException e) {
      return Optional.empty();
    }
  }
}
