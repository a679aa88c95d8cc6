package io.baton.transfer;

import io.baton.routing.Numbers;
import io.baton.sip.Messages;
import java.util.Optional;
import javax.sip.address.SipURI;

/**
 * Where a transfer sends the caller, resolved: a phone number (SBC-edge routes it by least-cost
 * routing) or a SIP URI (dialled directly). Its {@link #uri()} is what the REFER names: {@code
 * Refer-To} for the first target, an {@code X-Baton-Transfer-Fallback} entry for the others.
 */
public sealed interface ReferTarget {

  /** {@code tel:+16465550111} or the SIP URI as written. */
  String uri();

  /** An E.164 number, referred to as a {@code tel:} URI (RFC 3966). */
  record Number(String e164) implements ReferTarget {
    @Override
    public String uri() {
      return "tel:" + e164;
    }
  }

  /** A {@code sip:} or {@code sips:} URI. */
  record Sip(String value) implements ReferTarget {
    @Override
    public String uri() {
      return value;
    }
  }

  /** The destination whose {@link #uri()} is {@code uri} (as a transfer stores it). */
  static ReferTarget ofUri(String uri) {
    return uri.startsWith("tel:") ? new Number(uri.substring(4)) : new Sip(uri);
  }

  /**
   * Reads a phone number (E.164, or national in the default region) or a {@code sip:}/{@code sips:}
   * URI with a host; empty for anything else.
   */
  static Optional<ReferTarget> parse(String text, Numbers numbers) {
    if (text == null) {
      return Optional.empty();
    }
    String s = text.strip();
    if (s.regionMatches(true, 0, "sip:", 0, 4) || s.regionMatches(true, 0, "sips:", 0, 5)) {
      return sipUri(s);
    }
    return numbers.toE164(s).map(Number::new);
  }

  private static Optional<ReferTarget> sipUri(String text) {
    try {
      if (Messages.get().parseUri(text) instanceof SipURI sip
          && sip.getHost() != null
          && !sip.getHost().isBlank()) {
        return Optional.of(new Sip(sip.toString()));
      }
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
