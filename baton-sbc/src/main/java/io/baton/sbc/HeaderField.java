package io.baton.sbc;

import io.baton.contract.PassHeader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Set;
import javax.sip.header.ExtensionHeader;
import javax.sip.message.Request;

/** A header a new leg's INVITE gets: its name and its value as they go on the wire. */
record HeaderField(String name, String value) {
  private static final Set<String> REDIRECT_HEADERS = Set.of("diversion", "history-info");

  /**
   * The customer's headers a request arrived with ({@link PassHeader#isCustomers}), and those
   * naming where it was redirected from ({@code Diversion}, RFC 5806; {@code History-Info}, RFC
   * 7044): what a B2BUA inside the network carries onward, so they reach the destination behind it.
   */
  static List<HeaderField> carried(Request request) {
    List<HeaderField> out = new ArrayList<>();
    for (Iterator<?> names = request.getHeaderNames(); names.hasNext(); ) {
      String name = (String) names.next();
      if (!PassHeader.isCustomers(name)
          && !REDIRECT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        continue;
      }
      for (ListIterator<?> it = request.getHeaders(name); it.hasNext(); ) {
        if (it.next() instanceof ExtensionHeader header) {
          out.add(new HeaderField(header.getName(), header.getValue()));
        }
      }
    }
    return out;
  }
}
