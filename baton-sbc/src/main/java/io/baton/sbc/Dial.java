package io.baton.sbc;

import io.baton.contract.CallOrigin;
import io.baton.registry.LegState;
import io.baton.sip.Messages;
import io.baton.sip.OutboundTransaction;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
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
  private final List<OutboundLeg> legs = new CopyOnWriteArrayList<>();
  private volatile OutboundTransaction pending;
  private volatile DialOutcome.Failed givenUp;
  private boolean reported; // on the call's queue

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

  /** The outcome the dial was given up with; null if it was not. */
  DialOutcome.Failed givenUp() {
    return givenUp;
  }

  /** The legs this dial opened so far. */
  List<OutboundLeg> legs() {
    return List.copyOf(legs);
  }

  /**
   * True the first time only: the dial's outcome (its own, or its timeout's) is reported once;
   * called on the call's queue.
   */
  boolean firstOutcome() {
    if (reported) {
      return false;
    }
    reported = true;
    return true;
  }

  /**
   * Docs "Call setup" step 2, for a transfer or a caller routed back: any route will do, but for a
   * transfer under a rate ceiling only routes at or under it (so crankback never reaches a dearer
   * carrier).
   */
  private Destination askRedirect(Destination.ViaRedirect destination) {
    Sbc sbc = call.sbc();
    OutboundTransaction tx =
        sbc.endpoint()
            .send(
                RedirectQuery.request(
                    sbc, destination, call.callerFrom(), call.id(), CallOrigin.NETWORK));
    Response response = await(tx);
    if (givenUp != null) {
      return new Destination.Unroutable(givenUp.status(), givenUp.reason());
    }
    return RedirectQuery.destination(sbc, tx, response);
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
      legs.add(leg);
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
  static String reasonOf(Response response) {
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
