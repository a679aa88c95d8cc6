package io.baton.sip;

import gov.nist.javax.sip.header.SIPHeader;
import io.baton.contract.BatonHeaders;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.sip.PeerUnavailableException;
import javax.sip.SipFactory;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.Message;
import javax.sip.message.MessageFactory;

/**
 * Reading and writing the parts of SIP messages Baton cares about, without JAIN-SIP's checked
 * exceptions leaking into element code. A value that does not parse is a programming error here
 * (elements only write values they built), so it surfaces as {@link IllegalArgumentException}.
 */
public final class Messages {
  private final MessageFactory messageFactory;
  private final HeaderFactory headerFactory;
  private final AddressFactory addressFactory;

  private Messages() {
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    try {
      this.messageFactory = factory.createMessageFactory();
      this.headerFactory = factory.createHeaderFactory();
      this.addressFactory = factory.createAddressFactory();
    } catch (PeerUnavailableException e) {
      throw new IllegalStateException("JAIN-SIP factories unavailable", e);
    }
  }

  private static final Messages SHARED = new Messages();

  /** The message tools; JAIN-SIP's factories are stateless and shared by every endpoint. */
  public static Messages get() {
    return SHARED;
  }

  public MessageFactory messageFactory() {
    return messageFactory;
  }

  public HeaderFactory headerFactory() {
    return headerFactory;
  }

  public AddressFactory addressFactory() {
    return addressFactory;
  }

  /** {@code sip:user@host:port}; {@code user} may be null. */
  public SipURI uri(String user, HostPort at) {
    try {
      SipURI uri = addressFactory.createSipURI(user, at.host());
      uri.setPort(at.port());
      return uri;
    } catch (ParseException e) {
      throw new IllegalArgumentException("bad SIP URI for " + user + "@" + at, e);
    }
  }

  /** Parses any URI Baton accepts: {@code sip:}, {@code sips:} or {@code tel:}. */
  public URI parseUri(String text) {
    try {
      return addressFactory.createURI(text.trim());
    } catch (ParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a URI", e);
    }
  }

  public Address address(URI uri) {
    return addressFactory.createAddress(uri);
  }

  /** Any header by name and value, parsed by JAIN-SIP where it knows the name. */
  public Header header(String name, String value) {
    try {
      return headerFactory.createHeader(name, value);
    } catch (ParseException e) {
      throw new IllegalArgumentException("bad " + name + " header value '" + value + "'", e);
    }
  }

  /** Replaces every {@code name} header of {@code message} by one with {@code value}. */
  public void setHeader(Message message, String name, String value) {
    message.setHeader(header(name, value));
  }

  public void addHeader(Message message, String name, String value) {
    message.addHeader(header(name, value));
  }

  /** The value of the first {@code name} header, as written on the wire; null if absent. */
  public static String headerValue(Message message, String name) {
    Header h = message.getHeader(name);
    if (h == null) {
      return null;
    }
    if (h instanceof SIPHeader sh) {
      return sh.getHeaderValue().trim();
    }
    String text = h.toString();
    int colon = text.indexOf(':');
    return (colon < 0 ? text : text.substring(colon + 1)).trim();
  }

  /**
   * Names of Baton's {@code X-Baton-*} headers present in {@code message} ({@link
   * BatonHeaders#isBaton}).
   */
  public static List<String> batonHeaderNames(Message message) {
    List<String> names = new ArrayList<>();
    for (Iterator<?> it = message.getHeaderNames(); it.hasNext(); ) {
      String name = (String) it.next();
      if (BatonHeaders.isBaton(name)) {
        names.add(name);
      }
    }
    return names;
  }

  /** Copies of every {@code X-Baton-*} header of {@code message}, in order. */
  public static List<Header> batonHeaders(Message message) {
    List<Header> headers = new ArrayList<>();
    for (String name : batonHeaderNames(message)) {
      for (Iterator<?> it = message.getHeaders(name); it.hasNext(); ) {
        headers.add((Header) ((Header) it.next()).clone());
      }
    }
    return headers;
  }

  /** Copies every {@code X-Baton-*} header from one message to another. */
  public void copyBatonHeaders(Message from, Message to) {
    batonHeaders(from).forEach(to::addHeader);
  }

  /** Sets the body and its Content-Type, e.g. {@code ("application", "sdp", text)}. */
  public void setBody(Message message, String type, String subtype, String body) {
    try {
      ContentTypeHeader ct = headerFactory.createContentTypeHeader(type, subtype);
      message.setContent(body.getBytes(StandardCharsets.UTF_8), ct);
    } catch (ParseException e) {
      throw new IllegalArgumentException("bad body", e);
    }
  }

  /** The body as text; empty if none. */
  public static String body(Message message) {
    byte[] raw = message.getRawContent();
    return raw == null ? "" : new String(raw, StandardCharsets.UTF_8);
  }

  /** True if the message carries a body of {@code type/subtype}. */
  public static boolean hasBody(Message message, String type, String subtype) {
    ContentTypeHeader ct = (ContentTypeHeader) message.getHeader(ContentTypeHeader.NAME);
    return ct != null
        && ct.getContentType().equalsIgnoreCase(type)
        && ct.getContentSubType().equalsIgnoreCase(subtype)
        && message.getRawContent() != null
        && message.getRawContent().length > 0;
  }

  public static String fromTag(Message message) {
    return ((FromHeader) message.getHeader(FromHeader.NAME)).getTag();
  }

  public static String toTag(Message message) {
    return ((ToHeader) message.getHeader(ToHeader.NAME)).getTag();
  }

  public static String callId(Message message) {
    return ((javax.sip.header.CallIdHeader) message.getHeader("Call-ID")).getCallId();
  }

  public static long cseq(Message message) {
    return ((javax.sip.header.CSeqHeader) message.getHeader("CSeq")).getSeqNumber();
  }

  /**
   * The user part of a SIP URI, its escapes undone ({@code %2B1800...} is {@code +1800...}: RFC
   * 3261 §19.1.2, §19.1.4 compare the two as equal), or the number of a tel URI; null for anything
   * else.
   */
  public static String userOf(URI uri) {
    if (uri instanceof SipURI sip) {
      return sip.getUser() == null ? null : unescape(sip.getUser());
    }
    if (uri instanceof javax.sip.address.TelURL tel) {
      return (tel.isGlobal() ? "+" : "") + tel.getPhoneNumber();
    }
    return null;
  }

  /** {@code %HH} escapes (RFC 3261 §25.1 {@code escaped}) as the UTF-8 text they encode. */
  static String unescape(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int hex = i + 2 < text.length() ? hexByte(text, i + 1) : -1;
      if (c == '%' && hex >= 0) {
        bytes.write(hex);
        i += 2;
      } else {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static int hexByte(String text, int at) {
    int high = Character.digit(text.charAt(at), 16);
    int low = Character.digit(text.charAt(at + 1), 16);
    return high < 0 || low < 0 ? -1 : high * 16 + low;
  }
}
