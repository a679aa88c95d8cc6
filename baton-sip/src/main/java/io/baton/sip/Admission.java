package io.baton.sip;

import java.util.Optional;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step of every element's request path, {@code checkTrust}: the element's {@link
 * TrustPolicy} decides on the packet's source; a request it refuses gets {@code 403 Forbidden} (an
 * ACK, which cannot be answered, is dropped) before anything is looked up, created or forwarded.
 */
public final class Admission {
  private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

  private Admission() {}

  /** The policy's decision if it lets {@code request} in; empty (and answered) if not. */
  public static Optional<TrustPolicy.Decision> check(TrustPolicy policy, InboundRequest request) {
    TrustPolicy.Decision decision =
        policy.decide(request.sender(), request.method(), request.inDialog());
    if (decision.allowed()) {
      return Optional.of(decision);
    }
    LOG.info(
        "{}: {} {} from {} refused: not trusted for it",
        request.endpoint().name(),
        request.method(),
        request.request().getRequestURI(),
        request.sender());
    if (!Request.ACK.equals(request.method())) {
      request.respond(Response.FORBIDDEN);
    }
    return Optional.empty();
  }
}
