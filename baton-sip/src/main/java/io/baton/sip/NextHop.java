package io.baton.sip;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;
import javax.sip.address.SipURI;

/**
 * Where an element sends requests for a route, as its configuration writes it: {@code host:port}
 * (UDP), {@code host:port;transport=tcp|tls}, {@code sip:host:port[;transport=...]}, or {@code
 * sips:host:port}. A {@code sips:} hop is reached over TLS (RFC 3261 §26.2.2, RFC 5630 §3.1.2);
 * Baton does not turn the Request-URI into a {@code sips:} one for it (that would promise TLS to
 * the end, past elements Baton does not run, RFC 5630 §3.1.1): the request goes to the hop with
 * {@code transport=tls}.
 *
 * @param address the hop's host and port
 * @param transport {@code udp}, {@code tcp} or {@code tls}; null when the text named none (UDP)
 */
public record NextHop(HostPort address, String transport) {

  public NextHop {
    Objects.requireNonNull(address, "address");
    if (transport != null) {
      transport = transport.toLowerCase(Locale.ROOT);
      if (!transport.equals("udp") && !transport.equals("tcp") && !transport.equals("tls")) {
        throw new IllegalArgumentException("transport '" + transport + "' is not udp, tcp or tls");
      }
    }
  }

  /** A UDP hop, written {@code host:port}. */
  public NextHop(HostPort address) {
    this(address, null);
  }

  /**
   * @throws IllegalArgumentException naming the text that is none of the forms above
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static NextHop parse(String text) {
    Objects.requireNonNull(text, "next hop");
    String s = text.strip();
    String transport = null;
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith("sips:")) {
      s = s.substring(5);
      transport = "tls";
    } else if (lower.startsWith("sip:")) {
      s = s.substring(4);
    }
    int semicolon = s.indexOf(';');
    if (semicolon >= 0) {
      String param = s.substring(semicolon + 1).strip();
      s = s.substring(0, semicolon);
      if (!param.toLowerCase(Locale.ROOT).startsWith("transport=")) {
        throw new IllegalArgumentException(
            "'" + text + "' is not host:port[;transport=udp|tcp|tls] or sips:host:port");
      }
      String named = param.substring("transport=".length());
      if ("tls".equals(transport) && !named.equalsIgnoreCase("tls")) {
        throw new IllegalArgumentException("'" + text + "': a sips: hop is reached over TLS only");
      }
      transport = named;
    }
    try {
      return new NextHop(HostPort.parse(s), transport);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not host:port[;transport=udp|tcp|tls] or sips:host:port");
    }
  }

  /** {@code sip:user@host:port}, with {@code transport=} when the hop names one. */
  public SipURI uri(String user) {
    SipURI uri = Messages.get().uri(user, address);
    if (transport != null && !transport.equals("udp")) {
      try {
        uri.setTransportParam(transport);
      } catch (java.text.ParseException e) {
        throw new IllegalStateException(e);
      }
    }
    return uri;
  }

  /** The same, as a URI's text ({@code user@host:port;transport=tls}, without the scheme). */
  public String uriText(String user) {
    return uri(user).toString().substring("sip:".length());
  }

  @JsonValue
  @Override
  public String toString() {
    return address + (transport == null ? "" : ";transport=" + transport);
  }
}
