package io.baton.contract;

import java.util.Optional;

/**
 * A choice Baton writes as one token ({@code blind}, {@code hangup}, {@code rolled_back}, ...), and
 * the one rule every element reads such a token by: whitespace around it is ignored and letters
 * compare case-insensitively, as SIP compares tokens (RFC 3261 §7.3.1, §25.1). Nothing else is
 * forgiven: no abbreviations, no {@code _} for {@code -}, and an empty value is not the default (a
 * missing header is).
 */
public interface WireToken {

  /** The spelling Baton writes. */
  String wire();

  /** The choice {@code text} names by the rule above; empty for null or anything else. */
  static <T extends WireToken> Optional<T> read(T[] choices, String text) {
    if (text == null) {
      return Optional.empty();
    }
    String token = text.strip();
    for (T choice : choices) {
      if (choice.wire().equalsIgnoreCase(token)) {
        return Optional.of(choice);
      }
    }
    return Optional.empty();
  }

  /**
   * The choice {@code text} names.
   *
   * @throws IllegalArgumentException {@code 'later' is not make-before-break or blind}
   */
  static <T extends WireToken> T parse(T[] choices, String text) {
    return read(choices, text)
        .orElseThrow(
            () -> new IllegalArgumentException("'" + text + "' is not " + spellings(choices)));
  }

  /** {@code stay or hangup}, {@code none, diversion or history-info}: for error messages. */
  static String spellings(WireToken[] choices) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < choices.length; i++) {
      if (i > 0) {
        out.append(i == choices.length - 1 ? " or " : ", ");
      }
      out.append(choices[i].wire());
    }
    return out.toString();
  }
}
