package io.baton.sbc;

import java.util.regex.Pattern;

/** ITU-T E.164 numbers as Baton writes them: {@code +} and up to 15 digits. */
final class E164 {
  private static final Pattern NUMBER = Pattern.compile("\\+[1-9][0-9]{1,14}");

  private E164() {}

  static boolean is(String text) {
    return text != null && NUMBER.matcher(text).matches();
  }
}
