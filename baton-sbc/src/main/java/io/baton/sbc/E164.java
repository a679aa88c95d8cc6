package io.baton.sbc;

import java.util.regex.Pattern;

/** ITU-T E.164 numbers as Baton writes them: {@code +} and up to 15 digits. */
final class E164 {
  private static final Pattern NUMBER = Pattern.compile("\\+[1-9][0-9]{1,14}");
  private static final Pattern VISUAL_SEPARATORS = Pattern.compile("[-.() ]");

  private E164() {}

  static boolean is(String text) {
    return text != null && NUMBER.matcher(text).matches();
  }

  /**
   * The dialled user as an E.164 number, visual separators (RFC 3966 §5.1.1) removed; null when it
   * is not one (a name, or a national number this SBC has no region to read).
   */
  static String of(String user) {
    if (user == null) {
      return null;
    }
    String digits = VISUAL_SEPARATORS.matcher(user).replaceAll("");
    return is(digits) ? digits : null;
  }
}
