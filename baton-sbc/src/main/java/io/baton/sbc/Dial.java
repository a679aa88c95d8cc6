package io.baton.sbc;

import io.baton.contract.BatonHeaders;
import io.baton.contract.MaxRate;
import io.baton.registry.LegState;
import io.baton.sip.Messages;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.RequestBuilder;
import io.baton.sip.SipEndpoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;
import javax.sip.Dialog;
import javax.sip.SipException;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt to reach a destination for a call: asks the redirect server where needed, then tries
 * each target in order, moving on after 408 or 5xx (crankback, docs "Call setup" step 3) and
 * stopping at any other final status. It runs on its own virtual thread and may be given up at any
 * moment from another thread ({@link #giveUp}); a leg that answers after that is hung up.
 */
final class Dial {
  private static final Logger LOG = LoggerFactory.getLogger(Dial.class);

  private final CallSession call;
  private final LegSpec spec;
  private final BiConsumer<OutboundLeg, Response> onProgress;
  private volatile OutboundTransaction pending;
  private volatile DialOutcome.Failed givenUp;

  /**
   * @param spec what every leg of this dial carries
   * @param onProgress what an 18x of a leg means to its purpose; runs on the call's queue
   */
  Dial(CallSession call, LegSpec spec, BiConsumer<OutboundLeg, Response> onProgress) {
    this.call = call;
    this.spec = spec;
    this.onProgress = onProgress;
  }

  /** Tries the destination; blocks, so only on a virtual thread of its own. */
  DialOutcome run(Destination destination) {
    if (givenUp != null) {
      return givenUp;
    }
    return switch (destination) {
      case Destination.Unroutable u -> new DialOutcome.Failed(u.status(), u.reason());
      case Destination.Direct d -> tryInOrder(d.targets());
      case Destination.ViaRedirect r -> run(askRedirect(r));
    };
  }

  /**
   * Stops dialling with this status: the pending request is cancelled (CANCEL goes out once the leg
   * has sent a provisional response, RFC 3261 §9.1). The first reason given wins.
   */
  void giveUp(int status, String reason) {
    if (givenUp == null) {
      givenUp = new DialOutcome.Failed(status, reason);
    }
    OutboundTransaction tx = pending;
    if (tx != null) {
      tx.cancel();
    }
  }

  /**
   * Docs "Call setup" step 2: an INVITE without SDP to the redirect server, whose 3xx lists the
   * routes as Contacts, best (highest q) first; for a transfer under a rate ceiling, only routes at
   * or under it (so crankback never reaches a dearer carrier).
   */
  private Destination askRedirect(Destination.ViaRedirect destination) {
    Sbc sbc = call.sbc();
    SipEndpoint endpoint = sbc.endpoint();
    RequestBuilder query =
        endpoint
            .request(
                Request.INVITE,
                endpoint.messages().uri(destination.user(), sbc.config().redirectServer()))
            .from(call.callerFrom())
            .header(BatonHeaders.CALL_ID, call.id());
    if (destination.maxRate() != null) {
      query.header(BatonHeaders.MAX_RATE, MaxRate.format(destination.maxRate()));
    }
    OutboundTransaction tx = endpoint.send(query.build());
    Response response = await(tx);
    int status = response.getStatusCode();
    if (givenUp != null) {
      return new Destination.Unroutable(givenUp.status(), givenUp.reason());
    }
    if (status < 300) {
      hangUpRedirect(tx, response);
      return new Destination.Unroutable(502, "Redirect server answered " + status);
    }
    if (status >= 400) {
      return new Destination.Unroutable(status, reasonOf(response));
    }
    List<Target> targets = contacts(response);
    return targets.isEmpty()
        ? new Destination.Unroutable(502, "Redirect without a usable Contact")
        : new Destination.Direct(targets);
  }

  /** The SIP Contacts of a 3xx in q order, highest first; equal q keep their order. */
  private List<Target> contacts(Response redirect) {
    record Ranked(Target target, float q) {}
    List<Ranked> ranked = new ArrayList<>();
    for (Iterator<?> it = redirect.getHeaders(ContactHeader.NAME); it.hasNext(); ) {
      ContactHeader contact = (ContactHeader) it.next();
      if (contact.getAddress() != null && contact.getAddress().getURI() instanceof SipURI uri) {
        float q = contact.getQValue();
        ranked.add(new Ranked(Target.ofContact(uri, call.sbc().peers()), q < 0 ? 1.0f : q));
      }
    }
    return ranked.stream()
        .sorted(Comparator.comparingDouble((Ranked r) -> r.q()).reversed())
        .map(Ranked::target)
        .toList();
  }

  /** A redirect server never answers 2xx; if one did, it gets its ACK and a BYE. */
  private void hangUpRedirect(OutboundTransaction tx, Response ok) {
    Dialog dialog = tx.dialog();
    if (dialog == null) {
      return;
    }
    try {
      call.sbc().endpoint().ack(dialog, ok);
      call.sbc().endpoint().send(dialog.createRequest(Request.BYE), dialog);
    } catch (SipException e) {
      LOG.debug("call {}: cannot hang up the redirect server's 2xx: {}", call.id(), e.toString());
    }
  }

  private DialOutcome tryInOrder(List<Target> targets) {
    DialOutcome.Failed last = new DialOutcome.Failed(404, "No route");
    for (Target target : targets) {
      if (givenUp != null) {
        return givenUp;
      }
      OutboundLeg leg = call.queue().call(() -> call.openLeg(target, spec));
      if (leg == null) {
        return givenUp != null ? givenUp : new DialOutcome.Failed(503, "No media port free");
      }
      OutboundTransaction invite = leg.send();
      invite.onProvisional(
          r -> {
            if (r.getStatusCode() > 100) {
              call.queue().execute(() -> onProgressOf(leg, r));
            }
          });
      Response response = await(invite);
      int status = response.getStatusCode();
      if (status < 300) {
        if (givenUp != null) {
          call.queue().execute(() -> call.discard(leg, response));
          return givenUp;
        }
        return new DialOutcome.Answered(leg, response);
      }
      call.queue().execute(() -> call.legFailed(leg, status));
      if (givenUp != null) {
        return givenUp;
      }
      last = new DialOutcome.Failed(status, reasonOf(response));
      boolean next = crankback(status);
      LOG.info(
          "call {}: {} failed: {} {}{}",
          call.id(),
          target.uri(),
          status,
          response.getReasonPhrase(),
          next ? ", trying the next route" : "");
      if (!next) {
        return last;
      }
    }
    return last;
  }

  /**
   * An 18x goes to the dial's purpose unless the leg has its final answer already (the stack's
   * thread pool may deliver a 1xx after the final response).
   */
  private void onProgressOf(OutboundLeg leg, Response provisional) {
    if (leg.state().ended() || leg.state() == LegState.ACTIVE) {
      return;
    }
    leg.progress(provisional);
    onProgress.accept(leg, provisional);
  }

  /** Waits for the final response, cancelling the request if the dial was given up meanwhile. */
  private Response await(OutboundTransaction tx) {
    pending = tx;
    if (givenUp != null) {
      tx.cancel();
    }
    return tx.finalResponse().join();
  }

  /**
   * The reason phrase to report: the peer's own, or the RFC 3261 §21 phrase for a response made up
   * locally (it has no To tag, which every real final response carries, §8.2.6.2) — its phrase
   * explains the local failure for logs, not for a sipfrag.
   */
  private static String reasonOf(Response response) {
    if (Messages.toTag(response) != null) {
      return response.getReasonPhrase();
    }
    return switch (response.getStatusCode()) {
      case Response.REQUEST_TIMEOUT -> "Request Timeout";
      case Response.REQUEST_TERMINATED -> "Request Terminated";
      case Response.SERVICE_UNAVAILABLE -> "Service Unavailable";
      default -> response.getReasonPhrase();
    };
  }

  /**
   * 408 and 5xx mean "this route is not working", so the next one is tried (crankback); any other
   * final status is the callee's answer (486, 600, 603: the same person is not rung twice through
   * another carrier) and ends the destination.
   */
  static boolean crankback(int status) {
    return status == 408 || (status >= 500 && status < 600);
  }
}
