package io.baton.sip.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.sip.HostPort;
import java.time.Duration;
import java.util.Optional;

/**
 * One malformed-message fixture and what an element must do with it: answer with {@code status}
 * (with a reason phrase containing {@code reason}, where Baton writes it, and the header field
 * {@code echoed} as the request wrote it), or send nothing back ({@link #DROPPED}). Fixtures whose
 * framing only a datagram gives are not sent over TCP.
 */
public record WireCase(String fixture, int status, boolean overTcp, String reason, String echoed) {
  public static final int DROPPED = 0;

  public static WireCase answered(String fixture, int status) {
    return new WireCase(fixture, status, true, null, null);
  }

  public static WireCase answered(String fixture, int status, String reason) {
    return new WireCase(fixture, status, true, reason, null);
  }

  public static WireCase dropped(String fixture) {
    return new WireCase(fixture, DROPPED, true, null, null);
  }

  /** Only over UDP: a datagram's end is the message's end, a stream has none. */
  public WireCase udpOnly() {
    return new WireCase(fixture, status, false, reason, echoed);
  }

  /** The answer carries the request's {@code header} field unchanged (RFC 3261 §8.2.6.2). */
  public WireCase echoing(String header) {
    return new WireCase(fixture, status, overTcp, reason, header);
  }

  /** Sends the fixture to {@code wire}'s element, Request-URI user {@code user}, and checks. */
  public WireResponse check(SipWire wire, String user) {
    RawMessage message = wire.message(fixture, user);
    wire.send(message);
    if (status == DROPPED) {
      assertDropped(wire, message, user);
      return null;
    }
    WireResponse response = assertAnswered(wire, message, status);
    if (reason != null) {
      assertThat(response.reason()).as("reason phrase").contains(reason);
    }
    if (echoed != null) {
      assertThat(response.header(echoed)).as(echoed + " echoed").isEqualTo(message.header(echoed));
    }
    return response;
  }

  /** Sends a fixture and checks the final response's status. */
  public static WireResponse ask(SipWire wire, String fixture, String user, int status) {
    RawMessage message = wire.message(fixture, user);
    wire.send(message);
    return assertAnswered(wire, message, status);
  }

  public static WireResponse assertAnswered(SipWire wire, RawMessage message, int status) {
    Optional<WireResponse> response = wire.awaitFinal(message.branch(), SipWire.WAIT);
    assertThat(response).as("answer to " + message).isPresent();
    assertThat(response.get().status())
        .as(message + " answered " + response.get())
        .isEqualTo(status);
    return response.get();
  }

  /**
   * Nothing comes back for {@code message}: an OPTIONS sent after it is answered (over UDP from the
   * same socket; over TCP on a new connection, since the element may close one that carried junk),
   * and nothing else ever arrives.
   */
  static void assertDropped(SipWire wire, RawMessage message, String user) {
    try (SipWire probe = "UDP".equals(wire.transport()) ? null : SipWire.tcp(wire.target)) {
      SipWire on = probe == null ? wire : probe;
      WireResponse ok = ask(on, "valid-options.sip", user, 200);
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(1))
          .until(() -> wire.responsesTo(message.branch()).isEmpty());
      assertThat(wire.responses())
          .as("responses to " + message)
          .allMatch(r -> r.text().equals(ok.text()));
    }
  }

  /** The element at {@code target} still answers an OPTIONS over UDP. */
  public static void assertServing(HostPort target, String user) {
    try (SipWire wire = SipWire.udp(target)) {
      ask(wire, "valid-options.sip", user, 200);
    }
  }

  @Override
  public String toString() {
    return fixture + " -> " + (status == DROPPED ? "dropped" : status);
  }
}
