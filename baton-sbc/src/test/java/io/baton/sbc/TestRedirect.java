package io.baton.sbc;

import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.SipConfig;
import io.baton.sip.SipEndpoint;
import io.baton.sip.SipHandler;
import io.baton.sip.StackMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sip.header.ContactHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * A redirect server for the tests: answers {@code 302} with the Contacts set for the dialled user
 * (q 1.0, 0.9, ... in the given order), or a set status, or 404.
 */
final class TestRedirect implements SipHandler, AutoCloseable {
  private final SipEndpoint endpoint;
  private final Map<String, List<String>> contacts = new ConcurrentHashMap<>();
  private final Map<String, Integer> refusals = new ConcurrentHashMap<>();
  final List<Request> received = new CopyOnWriteArrayList<>();
  private volatile Duration delay = Duration.ZERO;

  TestRedirect(HostPort at) throws Exception {
    this.endpoint = SipEndpoint.start("redirect", StackMode.USER_AGENT, SipConfig.at(at), this);
  }

  /** {@code user} goes to these SIP URIs, best first. */
  void route(String user, String... uris) {
    refusals.remove(user);
    contacts.put(user, List.of(uris));
  }

  /** Answers every query this much later (a slow database, a long way off). */
  void delay(Duration delay) {
    this.delay = delay;
  }

  void refuse(String user, int status) {
    contacts.remove(user);
    refusals.put(user, status);
  }

  @Override
  public void onRequest(InboundRequest request) {
    if (!Request.INVITE.equals(request.method())) {
      if (!Request.ACK.equals(request.method())) {
        request.respond(200);
      }
      return;
    }
    received.add(request.request());
    if (!delay.isZero()) {
      Duration wait = delay;
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  Thread.sleep(wait);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                answer(request);
              });
      return;
    }
    answer(request);
  }

  private void answer(InboundRequest request) {
    String user = Messages.userOf(request.request().getRequestURI());
    if (refusals.containsKey(user)) {
      request.respond(refusals.get(user));
      return;
    }
    List<String> uris = contacts.get(user);
    if (uris == null) {
      request.respond(Response.NOT_FOUND);
      return;
    }
    Response redirect = request.createResponse(Response.MOVED_TEMPORARILY);
    try {
      for (int i = 0; i < uris.size(); i++) {
        ContactHeader contact =
            endpoint
                .headerFactory()
                .createContactHeader(
                    endpoint.messages().address(endpoint.messages().parseUri(uris.get(i))));
        contact.setQValue(1.0f - i * 0.1f);
        redirect.addHeader(contact);
      }
    } catch (javax.sip.InvalidArgumentException e) {
      throw new IllegalStateException(e);
    }
    request.respond(redirect);
  }

  @Override
  public void close() {
    endpoint.close();
  }
}
