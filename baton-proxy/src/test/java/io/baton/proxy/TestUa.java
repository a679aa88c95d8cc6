package io.baton.proxy;

import static org.awaitility.Awaitility.await;

import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.sip.InboundResponse;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.SipConfig;
import io.baton.sip.SipEndpoint;
import io.baton.sip.SipHandler;
import io.baton.sip.StackMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * A small real user agent on loopback, standing in for SBC-edge, SBC-dest or the transfer server in
 * the proxy's tests: it records what it receives and answers by a swappable behaviour.
 */
final class TestUa implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(5);

  final SipEndpoint endpoint;
  private final List<InboundRequest> received = new CopyOnWriteArrayList<>();
  private final List<InboundRequest> unclaimed = new CopyOnWriteArrayList<>();
  private final List<Response> strays = new CopyOnWriteArrayList<>();
  private final Map<ServerTransaction, InboundRequest> invites = new ConcurrentHashMap<>();
  private final AtomicReference<Consumer<InboundRequest>> behaviour =
      new AtomicReference<>(this::answerLikeAPhone);

  private TestUa(SipEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  static TestUa start(String name, int port) throws Exception {
    Handler handler = new Handler();
    SipEndpoint endpoint =
        SipEndpoint.start(
            name, StackMode.USER_AGENT, SipConfig.at(new HostPort("127.0.0.1", port)), handler);
    TestUa ua = new TestUa(endpoint);
    handler.ua = ua;
    return ua;
  }

  private static final class Handler implements SipHandler {
    private volatile TestUa ua;

    @Override
    public void onRequest(InboundRequest request) {
      ua.received.add(request);
      ua.unclaimed.add(request);
      if (Request.INVITE.equals(request.method())) {
        ua.invites.put(request.transaction(), request);
      }
      ua.behaviour.get().accept(request);
    }

    @Override
    public void onStrayResponse(InboundResponse response) {
      ua.strays.add(response.response());
    }
  }

  HostPort address() {
    return endpoint.address();
  }

  /** How it answers from now on (tests answer by hand where they need to). */
  void behave(Consumer<InboundRequest> answer) {
    behaviour.set(answer);
  }

  /**
   * INVITE: 180 then 200; CANCEL: 200 and 487 for the INVITE; REFER: left to the test; anything
   * else but ACK: 200.
   */
  void answerLikeAPhone(InboundRequest request) {
    switch (request.method()) {
      case Request.INVITE -> {
        request.respond(Response.RINGING);
        request.respond(Response.OK);
      }
      case Request.CANCEL -> answerCancel(request);
      case Request.ACK, Request.REFER -> {}
      default -> request.respond(Response.OK);
    }
  }

  /** RFC 3261 §9.2: 200 to the CANCEL, 487 to the INVITE it cancels. */
  void answerCancel(InboundRequest cancel) {
    cancel.respond(Response.OK);
    InboundRequest invite = invites.get(cancel.canceledInvite());
    if (invite != null && !invite.answered()) {
      invite.respond(Response.REQUEST_TERMINATED);
    }
  }

  /** The next request of {@code method} not yet taken by the test. */
  InboundRequest awaitRequest(String method) {
    AtomicReference<InboundRequest> found = new AtomicReference<>();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              for (InboundRequest r : unclaimed) {
                if (r.method().equals(method) && unclaimed.remove(r)) {
                  found.set(r);
                  return true;
                }
              }
              return false;
            });
    return found.get();
  }

  /** Methods of every request received so far, in arrival order. */
  List<String> methods() {
    return received.stream().map(InboundRequest::method).toList();
  }

  List<Response> strays() {
    return strays;
  }

  void reset() {
    received.clear();
    unclaimed.clear();
    strays.clear();
    invites.clear();
    behaviour.set(this::answerLikeAPhone);
  }

  /** Sends and waits for the final response. */
  Response sendAndWait(Request request) throws Exception {
    return endpoint.send(request).finalResponse().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  Response sendAndWait(Request request, javax.sip.Dialog dialog) throws Exception {
    OutboundTransaction tx = endpoint.send(request, dialog);
    return tx.finalResponse().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    endpoint.close();
  }
}
