package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.RequestBuilder;
import io.baton.sip.SipConfig;
import io.baton.sip.SipEndpoint;
import io.baton.sip.SipFrag;
import io.baton.sip.StackMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sip.address.Address;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;

/**
 * Plays the proxy holding the call, on real sockets: answers each REFER with a chosen status and
 * relays NOTIFYs back in the REFER's dialog, as the proxy does (docs/architecture.md, "The
 * transfer" 5).
 */
final class TestProxy implements AutoCloseable {
  private final SipEndpoint endpoint;
  private final BlockingQueue<InboundRequest> refers = new LinkedBlockingQueue<>();
  private volatile int referStatus = 202;

  private TestProxy(HostPort at) throws Exception {
    this.endpoint =
        SipEndpoint.start(
            "test-proxy",
            StackMode.TRANSACTIONS_ONLY,
            new SipConfig(at, List.of("udp"), 4, Duration.ofMinutes(1)),
            request -> {
              if (Request.REFER.equals(request.method())) {
                refers.add(request);
                if (referStatus > 0) {
                  request.respond(referStatus);
                }
              } else if (!Request.ACK.equals(request.method())) {
                request.respond(200);
              }
            });
  }

  static TestProxy start(HostPort at) throws Exception {
    return new TestProxy(at);
  }

  HostPort address() {
    return endpoint.address();
  }

  /** The status the next REFERs are answered with; 0: they are never answered. */
  void answerRefersWith(int status) {
    referStatus = status;
  }

  /** The next REFER that arrived, waiting a few seconds for it. */
  InboundRequest nextRefer() throws InterruptedException {
    InboundRequest refer = refers.poll(5, TimeUnit.SECONDS);
    assertThat(refer).as("a REFER reached the proxy").isNotNull();
    return refer;
  }

  /** No REFER arrived within {@code wait}. */
  boolean noRefer(Duration wait) throws InterruptedException {
    return refers.poll(wait.toMillis(), TimeUnit.MILLISECONDS) == null;
  }

  /** Relays a progress NOTIFY for {@code refer}; returns the transfer server's answer. */
  int notify(InboundRequest refer, long cseq, int status, String reason, boolean terminated)
      throws Exception {
    return send(
        refer,
        Messages.callId(refer.request()),
        cseq,
        SipFrag.of(status, reason),
        terminated ? "terminated;reason=noresource" : "active;expires=60");
  }

  /**
   * Relays a NOTIFY of SBC-edge's issue-3 kind: {@code X-Baton-Transfer-Attempt: attempt}, and an
   * {@code X-Baton-Transfer-Outcome} when {@code outcome} is not null (the subscription then ends).
   */
  int notify(
      InboundRequest refer, long cseq, int attempt, int status, String reason, String outcome)
      throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Baton-Transfer-Attempt", Integer.toString(attempt));
    if (outcome != null) {
      headers.put("X-Baton-Transfer-Outcome", outcome);
    }
    return send(
        refer,
        Messages.callId(refer.request()),
        cseq,
        SipFrag.of(status, reason),
        outcome == null ? "active;expires=60" : "terminated;reason=noresource",
        headers);
  }

  /** Sends a NOTIFY in {@code refer}'s dialog with any Call-ID, body and Subscription-State. */
  int send(InboundRequest refer, String callId, long cseq, String sipfrag, String subscription)
      throws Exception {
    return send(refer, callId, cseq, sipfrag, subscription, Map.of());
  }

  private int send(
      InboundRequest refer,
      String callId,
      long cseq,
      String sipfrag,
      String subscription,
      Map<String, String> headers)
      throws Exception {
    Request r = refer.request();
    Address transferServer = ((ContactHeader) r.getHeader(ContactHeader.NAME)).getAddress();
    FromHeader referFrom = (FromHeader) r.getHeader(FromHeader.NAME);
    ToHeader referTo = (ToHeader) r.getHeader(ToHeader.NAME);
    RequestBuilder builder =
        endpoint
            .request(Request.NOTIFY, transferServer.getURI())
            .callId(callId)
            .from(referTo.getAddress())
            .fromTag(refer.localTag())
            .to(referFrom.getAddress())
            .cseq(cseq)
            .header("Event", "refer")
            .header("Subscription-State", subscription)
            .body("message/sipfrag", sipfrag);
    headers.forEach(builder::header);
    Request notify = builder.build();
    ((ToHeader) notify.getHeader(ToHeader.NAME)).setTag(referFrom.getTag());
    return endpoint.send(notify).finalResponse().get(5, TimeUnit.SECONDS).getStatusCode();
  }

  /** Sends an out-of-dialog {@code method} request to {@code to}; returns the final response. */
  javax.sip.message.Response request(String method, HostPort to) throws Exception {
    Request r = endpoint.request(method, endpoint.messages().uri(null, to)).build();
    return endpoint.send(r).finalResponse().get(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    endpoint.close();
  }
}
