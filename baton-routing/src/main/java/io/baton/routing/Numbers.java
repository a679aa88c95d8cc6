package io.baton.routing;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
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
}
