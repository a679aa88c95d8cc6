package io.baton.sip.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Finds where each SIP message on a stream ends (RFC 3261 §18.3: the header fields end at the empty
 * line, the body is Content-Length bytes) and hands on only whole messages, each at most {@code
 * maxMessageBytes}: the stack's parser never sees a message over the limit, nor waits for the rest
 * of one. Keep-alive CRLFs between messages (RFC 5626 §4.4.1) pass at once.
 *
 * <p>It frames exactly as JAIN-SIP 1.3.0-91's {@code PipelinedMsgParser} does, so both agree on
 * where a message ends: lines end at LF (CRs are ignored), the header fields end at a line holding
 * nothing above a space, and the body length is the last Content-Length ({@code l}) field that
 * reads as a number (none, or none readable: 0). Plain code: bytes in, bytes out.
 */
public final class StreamFramer {
  /** The stream broke a limit: the connection must be closed. */
  public static final class Violation extends Exception {
    public Violation(String message) {
      super(message, null, false, false);
    }
  }

  private enum State {
    BETWEEN,
    HEADERS,
    BODY
  }

  /** Content-Length digits past which no limit can hold (and the stack's parser would choke). */
  private static final int MAX_LENGTH_DIGITS = 10;

  /** Decides, as each message completes, whether it is handed on (the rate limit's say). */
  @FunctionalInterface
  public interface Admission {
    boolean admit();
  }

  private final int maxMessageBytes;
  private final Admission admission;
  private final ByteArrayOutputStream ready = new ByteArrayOutputStream();
  private final ByteArrayOutputStream message = new ByteArrayOutputStream();
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private byte[] taking = new byte[0];
  private int taken;
  private State state = State.BETWEEN;
  private boolean firstLine;
  private long contentLength;
  private long bodyLeft;

  public StreamFramer(int maxMessageBytes) {
    this(maxMessageBytes, () -> true);
  }

  /**
   * @param admission asked once per whole message; a message it refuses is dropped
   */
  public StreamFramer(int maxMessageBytes, Admission admission) {
    this.maxMessageBytes = maxMessageBytes;
    this.admission = admission;
  }

  /**
   * Takes bytes read off the stream.
   *
   * @throws Violation if a message grows past the limit (its bytes so far are discarded)
   */
  public void feed(byte[] bytes, int offset, int length) throws Violation {
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      switch (state) {
        case BETWEEN -> between(b);
        case HEADERS -> header(b);
        case BODY -> body(b);
      }
    }
  }

  /** True while a message has begun and is not complete. */
  public boolean inMessage() {
    return state != State.BETWEEN;
  }

  /** Bytes of whole messages (and keep-alives) waiting to be handed on. */
  public int available() {
    return taking.length - taken + ready.size();
  }

  /** Moves up to {@code length} ready bytes into {@code into}; returns how many. */
  public int take(byte[] into, int offset, int length) {
    if (taken == taking.length) {
      taking = ready.toByteArray();
      taken = 0;
      ready.reset();
    }
    int n = Math.min(length, taking.length - taken);
    System.arraycopy(taking, taken, into, offset, n);
    taken += n;
    return n;
  }

  private void between(byte b) {
    if (b == '\r' || b == '\n') {
      ready.write(b);
      return;
    }
    state = State.HEADERS;
    firstLine = true;
    contentLength = 0;
    message.reset();
    line.reset();
    append(b);
  }

  private void header(byte b) throws Violation {
    grow(b);
    if (b == '\r') {
      return;
    }
    if (b != '\n') {
      line.write(b);
      return;
    }
    String text = line.toString(StandardCharsets.ISO_8859_1);
    line.reset();
    if (firstLine) {
      firstLine = false;
    } else if (text.trim().isEmpty()) {
      endOfHeaders();
    } else {
      contentLength(text);
    }
  }

  private void endOfHeaders() throws Violation {
    if (message.size() + contentLength > maxMessageBytes) {
      throw violation("message of " + (message.size() + contentLength) + " bytes (Content-Length)");
    }
    bodyLeft = contentLength;
    if (bodyLeft == 0) {
      complete();
    } else {
      state = State.BODY;
    }
  }

  private void body(byte b) {
    append(b);
    if (--bodyLeft == 0) {
      complete();
    }
  }

  private void complete() {
    if (admission.admit()) {
      ready.writeBytes(message.toByteArray());
    }
    message.reset();
    state = State.BETWEEN;
  }

  private void grow(byte b) throws Violation {
    if (message.size() >= maxMessageBytes) {
      throw violation("header fields past " + maxMessageBytes + " bytes");
    }
    append(b);
  }

  private void append(byte b) {
    message.write(b);
  }

  private Violation violation(String what) {
    message.reset();
    line.reset();
    state = State.BETWEEN;
    return new Violation(what + " over the limit of " + maxMessageBytes);
  }

  /** Reads a Content-Length field (RFC 3261 §20.14; compact form {@code l}, §7.3.3). */
  private void contentLength(String field) throws Violation {
    int colon = field.indexOf(':');
    if (colon < 0) {
      return;
    }
    String name = field.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    if (!name.equals("content-length") && !name.equals("l")) {
      return;
    }
    String value = field.substring(colon + 1).trim();
    if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return; // the parser reports it; the stack frames it as no body
    }
    if (value.length() > MAX_LENGTH_DIGITS) {
      throw violation("Content-Length " + value);
    }
    contentLength = Long.parseLong(value);
  }
}
