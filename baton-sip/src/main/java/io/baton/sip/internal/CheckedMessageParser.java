package io.baton.sip.internal;

import gov.nist.javax.sip.address.GenericURI;
import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.MaxForwards;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.sip.SipStack;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Reads every message off the wire for a Baton stack ({@code MESSAGE_PARSER_FACTORY}) and sorts out
 * the malformed ones before JAIN-SIP acts on them. JAIN-SIP 1.3.0-91 alone drops a request missing
 * Call-ID, From or To without a word, accepts duplicated single-valued header fields, answers a
 * broken header field with a 400 echoing the whole request to the packet source over UDP (even with
 * no usable Via), and over TCP either closes the connection or leaves its parser thread dead. Here
 * instead (RFC 3261 §8.2, §16.3 item 1, §18.3, §21.4.1; RFC 4475 §3.1.2, §3.1.4.1):
 *
 * <ul>
 *   <li>a request whose response can reach its sender and be matched there (a usable top Via and
 *       CSeq, not an ACK) but that is otherwise malformed is passed on marked with the problem, and
 *       {@link MalformedRequestValve} answers it {@code 400} naming the problem;
 *   <li>any other malformed message (a response, an ACK, no usable Via or CSeq) is dropped, and a
 *       TCP connection carrying something that is not SIP at all is closed, since its framing is
 *       lost.
 * </ul>
 */
public final class CheckedMessageParser implements MessageParser {
  private static final StringMsgParser PARSER = new StringMsgParser();

  /**
   * Header fields a request carries at most once (RFC 3261 §7.3.1, §20), by full and compact name.
   */
  private static final Map<String, String> SINGLE_VALUED =
      Map.ofEntries(
          Map.entry("call-id", "Call-ID"),
          Map.entry("i", "Call-ID"),
          Map.entry("cseq", "CSeq"),
          Map.entry("from", "From"),
          Map.entry("f", "From"),
          Map.entry("to", "To"),
          Map.entry("t", "To"),
          Map.entry("max-forwards", "Max-Forwards"),
          Map.entry("content-length", "Content-Length"),
          Map.entry("l", "Content-Length"),
          Map.entry("content-type", "Content-Type"),
          Map.entry("c", "Content-Type"));

  /**
   * What the stack instantiates by name: one checked parser per channel. The header limit is read
   * from the stack's guard once: the stack's timers still make parsers after the endpoint stopped
   * and released its guard.
   */
  public static final class Factory implements MessageParserFactory {
    private volatile int maxHeaders;

    public Factory() {}

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
      if (maxHeaders == 0) {
        maxHeaders = EndpointGuard.of((SipStack) stack).limits().maxHeaders();
      }
      return new CheckedMessageParser(maxHeaders);
    }
  }

  private final int maxHeaders;

  /**
   * @param maxHeaders header field lines a request may carry ({@code sip.limits.maxHeaders})
   */
  public CheckedMessageParser(int maxHeaders) {
    this.maxHeaders = maxHeaders;
  }

  /**
   * A request passed on only to be answered {@code status reason}; {@code placeholders} are ours.
   */
  record Malformed(int status, String reason, List<String> placeholders) {}

  @Override
  public SIPMessage parseSIPMessage(
      byte[] bytes, boolean readBody, boolean strict, ParseExceptionListener channel)
      throws ParseException {
    Problems problems = new Problems();
    boolean truncated = readBody && !hasEmptyLineAfterHeaders(bytes);
    if (truncated) {
      // A datagram cut short in its header fields: end it, or the parser loses the last field read.
      bytes =
          (new String(bytes, StandardCharsets.ISO_8859_1) + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1);
      problems.add("Truncated message");
    }
    SIPMessage message;
    try {
      message = PARSER.parseSIPMessage(bytes, readBody, strict, problems);
    } catch (ParseException e) {
      // Thrown only once the header fields are read: the body does not match Content-Length.
      message = PARSER.parseSIPMessage(bytes, false, strict, problems);
      problems.add("Content-Length does not match the body");
    }
    if (message == null) {
      return null; // keep-alive CRLFs
    }
    if (hasBadRport(message)) {
      // RFC 3581: rport is a flag or a port. JAIN-SIP cannot copy any other Via (createResponse
      // throws NumberFormatException), so no answer can be built: dropped, as for no usable Via.
      return null;
    }
    HeaderLines lines = HeaderLines.of(bytes);
    if (message instanceof SIPRequest request) {
      checkRequest(request, bytes, lines, problems);
    }
    if (problems.isEmpty()) {
      return message;
    }
    if (answerable(message, lines)) {
      return markMalformed((SIPRequest) message, lines, problems.status(), problems.first());
    }
    if (!(message instanceof SIPRequest request && request.getRequestLine() != null)
        && message.getTopmostVia() == null
        && channel instanceof MessageChannel stream
        && stream.isReliable()) {
      stream.close(); // not SIP at all: a stream cannot find the next message's start
    }
    return null;
  }

  private static boolean hasBadRport(SIPMessage message) {
    if (message.getViaHeaders() == null) {
      return false;
    }
    for (Object header : message.getViaHeaders()) {
      String rport = ((Via) header).getParameter("rport");
      if (rport != null && !rport.isEmpty() && !rport.chars().allMatch(Character::isDigit)) {
        return true;
      }
      if (rport != null && rport.length() > 5) {
        return true;
      }
    }
    return false;
  }

  private void checkRequest(
      SIPRequest request, byte[] bytes, HeaderLines lines, Problems problems) {
    if (request.getRequestLine() != null
        && !firstLine(bytes).toUpperCase(Locale.ROOT).endsWith(" SIP/2.0")) {
      problems.add(Response.VERSION_NOT_SUPPORTED, "Version Not Supported"); // §21.5.7
    }
    if (request.getCallId() == null) {
      problems.add("Missing Call-ID header field");
    }
    if (request.getFrom() == null) {
      problems.add("Missing From header field");
    }
    if (request.getTo() == null) {
      problems.add("Missing To header field");
    }
    String method = request.getRequestLine() == null ? null : request.getMethod();
    if (Request.NOTIFY.equals(method) && request.getHeader("Subscription-State") == null) {
      problems.add("Missing Subscription-State header field"); // RFC 6665 §8.2.3
    }
    if ((Request.NOTIFY.equals(method) || Request.PUBLISH.equals(method))
        && request.getHeader("Event") == null) {
      problems.add("Missing Event header field"); // RFC 6665 §8.2.1, RFC 3903 §4
    }
    for (String repeated : lines.repeatedSingleValued()) {
      problems.add("Duplicate " + repeated + " header field");
    }
    if (lines.count() > maxHeaders) {
      problems.add("Too many header fields (" + lines.count() + ", at most " + maxHeaders + ")");
    }
    if (lines.withoutColon()) {
      problems.add("Header field without a colon"); // RFC 3261 §7.3.1: name HCOLON value
    }
    if (lines.withNul()) {
      problems.add("NUL in header fields"); // RFC 3261 §25.1: no raw NUL outside the body
    }
  }

  /**
   * A 400 can reach the sender and match its client transaction (RFC 3261 §17.1.3, §18.2.2): a
   * usable top Via and a CSeq, parsed or at least present to be echoed as it came (RFC 4475
   * §3.1.2.4 answers an overlarge CSeq {@code 400}), never for an ACK (§17.1.1.3).
   */
  private static boolean answerable(SIPMessage message, HeaderLines lines) {
    if (!(message instanceof SIPRequest request) || message.getTopmostVia() == null) {
      return false;
    }
    String method = cseqMethod(request, lines);
    return method != null && !Request.ACK.equalsIgnoreCase(method);
  }

  /** The CSeq's method, parsed or read from the raw field; else the Request-Line's; or null. */
  private static String cseqMethod(SIPRequest request, HeaderLines lines) {
    if (request.getCSeq() != null) {
      return request.getCSeq().getMethod();
    }
    if (lines.cseq() == null) {
      return null;
    }
    String[] parts = lines.cseq().trim().split("\\s+");
    if (parts.length >= 2 && !parts[parts.length - 1].isEmpty()) {
      return parts[parts.length - 1];
    }
    return request.getRequestLine() == null ? null : request.getRequestLine().getMethod();
  }

  /**
   * Fills what the stack needs to take the request as far as the valve (a Request-Line, Call-ID,
   * From and To) with placeholders the 400 leaves out again.
   */
  private static SIPRequest markMalformed(
      SIPRequest request, HeaderLines lines, int status, String reason) throws ParseException {
    List<String> placeholders = new ArrayList<>();
    if (request.getCSeq() == null) {
      request.setHeader(new EchoedCSeq(cseqMethod(request, lines), lines.cseq().trim()));
    }
    if (request.getRequestLine() == null) {
      GenericURI uri = PARSER.parseUrl("sip:invalid.invalid");
      request.setRequestLine(new RequestLine(uri, request.getCSeq().getMethod()));
    }
    if (request.getCallId() == null) {
      request.setHeader(StringMsgParser.parseSIPHeader("Call-ID: invalid"));
      placeholders.add(CallIdHeader.NAME);
    }
    if (request.getFrom() == null) {
      request.setHeader(StringMsgParser.parseSIPHeader("From: <sip:invalid.invalid>"));
      placeholders.add(FromHeader.NAME);
    }
    if (request.getTo() == null) {
      request.setHeader(StringMsgParser.parseSIPHeader("To: <sip:invalid.invalid>"));
      placeholders.add(ToHeader.NAME);
    }
    request.setApplicationData(new Malformed(status, reason, placeholders));
    return request;
  }

  private static String firstLine(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1).stripLeading();
    int end = text.indexOf('\n');
    return (end < 0 ? text : text.substring(0, end)).strip();
  }

  private static boolean hasEmptyLineAfterHeaders(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    return text.contains("\r\n\r\n") || text.contains("\n\n");
  }

  /**
   * What the raw header field lines say, read without the parser: how many there are, which
   * single-valued ones repeat, whether one has no colon or a NUL, and the CSeq as written.
   */
  private record HeaderLines(
      int count,
      List<String> repeatedSingleValued,
      boolean withoutColon,
      boolean withNul,
      String cseq) {

    static HeaderLines of(byte[] bytes) {
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      Set<String> seen = new HashSet<>();
      List<String> repeated = new ArrayList<>();
      int count = 0;
      boolean withoutColon = false;
      boolean withNul = false;
      String cseq = null;
      String[] lines = text.stripLeading().split("\r?\n", -1);
      for (int i = 1; i < lines.length && !lines[i].isEmpty(); i++) {
        String line = lines[i];
        withNul |= line.indexOf('\0') >= 0;
        if (Character.isWhitespace(line.charAt(0))) {
          continue; // a folded continuation (RFC 3261 §7.3.1)
        }
        count++;
        int colon = line.indexOf(':');
        if (colon <= 0) {
          withoutColon = true;
          continue;
        }
        String lower = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        if (lower.equals("cseq")) {
          cseq = line.substring(colon + 1);
        }
        String name = SINGLE_VALUED.get(lower);
        if (name != null && !seen.add(name) && !repeated.contains(name)) {
          repeated.add(name);
        }
      }
      return new HeaderLines(count, repeated, withoutColon, withNul, cseq);
    }
  }

  /**
   * A CSeq the parser could not read ({@code -1}, too large), echoed as it came in the answer, as
   * RFC 3261 §8.2.6.2 asks; its method is what the answer names.
   */
  private static final class EchoedCSeq extends CSeq {
    private final String raw;

    EchoedCSeq(String method, String raw) {
      this.raw = raw;
      this.method = method.toUpperCase(Locale.ROOT);
    }

    @Override
    public StringBuilder encodeBody(StringBuilder buffer) {
      return buffer.append(raw);
    }
  }

  /**
   * Records what the parser could not read instead of letting the channel act on it: a broken field
   * the stack cannot do without is a problem; any other is kept unparsed, as the stack does.
   */
  private static final class Problems implements ParseExceptionListener {
    private static final Map<Class<?>, String> ESSENTIAL =
        Map.of(
            From.class, "Malformed From header field",
            To.class, "Malformed To header field",
            CSeq.class, "Malformed CSeq header field",
            Via.class, "Malformed Via header field",
            MaxForwards.class, "Malformed Max-Forwards header field",
            CallID.class, "Malformed Call-ID header field",
            ContentLength.class, "Malformed Content-Length header field",
            RequestLine.class, "Malformed Request-Line",
            StatusLine.class, "Malformed Status-Line");

    private final List<String> found = new ArrayList<>();
    private int status = Response.BAD_REQUEST;

    @Override
    public void handleException(
        ParseException ex, SIPMessage message, Class headerClass, String header, String text) {
      String problem = headerClass == null ? null : ESSENTIAL.get(headerClass);
      if (problem != null) {
        add(problem);
      } else if (message != null) {
        message.addUnparsed(header);
      }
    }

    void add(String problem) {
      found.add(problem);
    }

    /** A problem answered with another status than 400; it takes precedence. */
    void add(int status, String problem) {
      this.status = status;
      found.add(0, problem);
    }

    int status() {
      return status;
    }

    boolean isEmpty() {
      return found.isEmpty();
    }

    String first() {
      return found.get(0);
    }
  }
}
