package io.baton.sbc;

import io.baton.registry.LegState;
import io.baton.sip.Messages;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.SipEndpoint;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sip.Dialog;
import javax.sip.SipException;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A leg this SBC opened: its INVITE, its state machine and media, and the dialog it creates.
 * Requests inside the dialog (NOTIFY, BYE) leave one at a time, each after the previous one was
 * answered, so the peer sees them in CSeq order even though its stack processes UDP messages in a
 * thread pool.
 */
final class OutboundLeg {
  private static final Logger LOG = LoggerFactory.getLogger(OutboundLeg.class);

  private final SipEndpoint endpoint;
  private final Target target;
  private final LegMachine machine;
  private final Request request;
  private final CallMedia.LegMedia media;
  private volatile OutboundTransaction invite;
  private CompletableFuture<?> inDialog = CompletableFuture.completedFuture(null);
  private volatile boolean byeDone;

  OutboundLeg(
      SipEndpoint endpoint,
      Target target,
      LegMachine machine,
      Request request,
      CallMedia.LegMedia media) {
    this.endpoint = endpoint;
    this.target = target;
    this.machine = machine;
    this.request = request;
    this.media = media;
  }

  /**
   * Sends the INVITE. Called by the dialling thread, not the call's queue: over TCP, sending
   * includes connecting, which may take a while.
   */
  OutboundTransaction send() {
    invite = endpoint.send(request);
    return invite;
  }

  String id() {
    return machine.leg().id();
  }

  String sipCallId() {
    return machine.leg().sipCallId();
  }

  LegState state() {
    return machine.state();
  }

  CallMedia.LegMedia media() {
    return media;
  }

  /** An 18x arrived (ignored once the leg has a final answer). */
  void progress(Response provisional) {
    if (!machine.state().ended() && machine.state() != LegState.ACTIVE) {
      machine.on(new LegMachine.Progress(Messages.toTag(provisional)));
    }
  }

  /** ACKs a 2xx (RFC 3261 §13.2.2.4): the leg is active. */
  void confirm(Response ok) {
    ack(ok);
    machine.on(new LegMachine.Answer(Messages.toTag(ok)));
  }

  /**
   * A 2xx nobody wants any more (its dial or its call was given up): ACKed and hung up at once (RFC
   * 3261 §15), also when the leg was reaped meanwhile and is published failed already.
   */
  CompletableFuture<Response> refuse(Response ok) {
    ack(ok);
    if (machine.state().ended()) {
      return sendInDialog(Request.BYE, bye -> byeDone = true);
    }
    if (machine.state() != LegState.ACTIVE) {
      machine.on(new LegMachine.Answer(Messages.toTag(ok)));
    }
    return bye();
  }

  private void ack(Response ok) {
    try {
      endpoint.ack(invite.dialog(), ok);
    } catch (SipException | RuntimeException e) {
      LOG.warn("leg {}: cannot ACK: {}", id(), e.toString());
    }
  }

  /** The INVITE ended with a final status ≥ 300 (or one made up locally). */
  void failed(int status) {
    machine.on(new LegMachine.Failure(status));
  }

  /**
   * Hangs up an active leg; does nothing otherwise. The future completes when the BYE is answered
   * (or at once when there was nothing to hang up).
   */
  CompletableFuture<Response> bye() {
    if (machine.state() != LegState.ACTIVE) {
      return CompletableFuture.completedFuture(null);
    }
    machine.on(new LegMachine.Release());
    return sendInDialog(Request.BYE, bye -> byeDone = true);
  }

  /** The peer hung up. */
  void byeReceived() {
    byeDone = true;
    if (machine.state() == LegState.ACTIVE) {
      machine.on(new LegMachine.Release());
    }
  }

  /**
   * A REFER subscription now shares the dialog (RFC 5057 §5.4): it must outlive a BYE so the final
   * NOTIFY can still be sent.
   */
  void keepDialogForSubscription() {
    try {
      invite.dialog().terminateOnBye(false);
    } catch (SipException e) {
      LOG.debug("leg {}: {}", id(), e.toString());
    }
  }

  /**
   * The subscription's final NOTIFY was answered: the dialog ends now if the INVITE usage is gone
   * too, else it goes back to ending with its BYE.
   */
  void subscriptionEnded() {
    enqueue(
        () -> {
          Dialog dialog = invite.dialog();
          try {
            if (byeDone) {
              dialog.delete();
            } else {
              dialog.terminateOnBye(true);
            }
          } catch (SipException e) {
            LOG.debug("leg {}: {}", id(), e.toString());
          }
          return CompletableFuture.completedFuture(null);
        });
  }

  /**
   * Sends a request in the leg's dialog once every earlier one was answered; {@code fill} adds
   * headers and body just before it leaves.
   */
  CompletableFuture<Response> sendInDialog(String method, Consumer<Request> fill) {
    return enqueue(
        () -> {
          Dialog dialog = invite.dialog();
          try {
            Request request = dialog.createRequest(method);
            fill.accept(request);
            return endpoint.send(request, dialog).finalResponse();
          } catch (SipException | RuntimeException e) {
            LOG.debug("leg {}: cannot send {}: {}", id(), method, e.toString());
            return CompletableFuture.failedFuture(e);
          }
        });
  }

  private synchronized <T> CompletableFuture<T> enqueue(Supplier<CompletableFuture<T>> step) {
    CompletableFuture<T> next = inDialog.handle((r, e) -> null).thenCompose(x -> step.get());
    inDialog = next;
    return next;
  }

  @Override
  public String toString() {
    return id() + "→" + target.uri();
  }
}
