package io.baton.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a number is, by libphonenumber's metadata: its region and its kind of line. */
class NumbersTest {

  @ParameterizedTest
  @CsvSource({
    "+16465550111, US, FIXED_LINE_OR_MOBILE",
    "+18005550100, US, TOLL_FREE",
    "+19005550000, US, PREMIUM_RATE",
    "+18765550100, JM, MOBILE",
    "+442079460000, GB, FIXED_LINE",
    "+448712345678, GB, PREMIUM_RATE",
    "+33612345678, FR, MOBILE",
    "+8816123456789, 001, MOBILE",
    "+870772001234, 001, MOBILE"
  })
  void knowsTheRegionAndKindOfANumber(String e164, String region, PhoneNumberType type) {
    assertThat(Numbers.regionOf(e164)).contains(region);
    assertThat(Numbers.typeOf(e164)).isEqualTo(type);
  }

  @ParameterizedTest
  @CsvSource({"+447700900123", "+999123", "16465550111", "not a number", "''"})
  void aNumberInNoKnownRangeIsUnknownAndInNoRegion(String text) {
    assertThat(Numbers.regionOf(text)).isEmpty();
    assertThat(Numbers.typeOf(text)).isEqualTo(PhoneNumberType.UNKNOWN);
  }

  @Test
  void aNonGeographicCodeHasItsRegionEvenOutsideAKnownRange() {
    assertThat(Numbers.regionOf("+88351000001")).contains("001");
    assertThat(Numbers.typeOf("+88351000001")).isEqualTo(PhoneNumberType.UNKNOWN);
  }

  @ParameterizedTest
  @CsvSource({"US, true", "GB, true", "JM, true", "001, false", "us, false", "XX, false"})
  void knowsWhichRegionsHaveNumbers(String region, boolean known) {
    assertThat(Numbers.isRegion(region)).isEqualTo(known);
  }
}
