package io.baton.sip;

import java.text.ParseException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.SipException;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request this element sent and what became of it. Its final response arrives as a future: a real
 * response from the peer, or one made up locally when the peer never answered (408), could not be
 * reached (503) or the request was given up ({@link #cancel()}: 487). A 2xx to an INVITE that
 * arrives after the request was given up is acknowledged and hung up at once, so a late answer
 * never leaves a half-open call behind (RFC 3261 §15: BYE any unwanted 2xx).
 */
public final class OutboundTransaction {
  private static final Logger LOG = LoggerFactory.getLogger(OutboundTransaction.class);

  private final SipEndpoint endpoint;
  private final Request request;
  private final CompletableFuture<Response> finalResponse = new CompletableFuture<>();
  private final List<Consumer<Response>> provisionalListeners = new CopyOnWriteArrayList<>();
  private volatile ClientTransaction transaction;
  private volatile Dialog dialog;
  private volatile Response lastProvisional;
  private boolean cancelWanted;
  private boolean cancelSent;

  OutboundTransaction(SipEndpoint endpoint, Request request) {
    this.endpoint = endpoint;
    this.request = request;
  }

  void bind(ClientTransaction ct) {
    this.transaction = ct;
  }

  public Request request() {
    return request;
  }

  public ClientTransaction transaction() {
    return transaction;
  }

  /** The dialog the response created or belongs to (2xx to INVITE); null before or without one. */
  public Dialog dialog() {
    Dialog d = dialog;
    if (d == null && transaction != null) {
      d = transaction.getDialog();
    }
    return d;
  }

  public CompletableFuture<Response> finalResponse() {
    return finalResponse;
  }

  /**
   * Calls {@code listener} with every provisional response (1xx); if one already arrived, with the
   * latest one at once.
   */
  public OutboundTransaction onProvisional(Consumer<Response> listener) {
    provisionalListeners.add(listener);
    Response seen = lastProvisional;
    if (seen != null) {
      listener.accept(seen);
    }
    return this;
  }

  /**
   * Gives the request up. For an INVITE, sends CANCEL once a provisional response has arrived,
   * never before (RFC 3261 §9.1); the future completes with 487 at once either way.
   */
  public void cancel() {
    boolean sendNow;
    synchronized (this) {
      if (finalResponse.isDone() && !isInvite()) {
        return;
      }
      cancelWanted = true;
      sendNow = lastProvisional != null && !cancelSent && !finalResponse.isDone();
      if (sendNow) {
        cancelSent = true;
      }
    }
    if (sendNow) {
      sendCancel();
    }
    complete(synthetic(Response.REQUEST_TERMINATED, "Request Terminated (given up)"));
  }

  private boolean isInvite() {
    return Request.INVITE.equals(request.getMethod());
  }

  void onResponse(Response response, Dialog responseDialog) {
    if (responseDialog != null) {
      dialog = responseDialog;
    }
    int status = response.getStatusCode();
    if (status < 200) {
      onProvisionalResponse(response);
      return;
    }
    boolean late;
    synchronized (this) {
      late = finalResponse.isDone();
    }
    if (late) {
      if (isInvite() && status < 300) {
        hangUpUnwanted(response, responseDialog);
      }
      return;
    }
    complete(response);
  }

  private void onProvisionalResponse(Response response) {
    boolean sendCancel;
    synchronized (this) {
      lastProvisional = response;
      sendCancel = cancelWanted && !cancelSent && isInvite();
      if (sendCancel) {
        cancelSent = true;
      }
    }
    if (sendCancel) {
      sendCancel();
      return;
    }
    if (!finalResponse.isDone()) {
      for (Consumer<Response> l : provisionalListeners) {
        l.accept(response);
      }
    }
  }

  /** Completes locally with a made-up response (no answer, cannot send, given up). */
  void failLocally(int status, String reason) {
    complete(synthetic(status, reason));
  }

  private void complete(Response response) {
    finalResponse.complete(response);
  }

  private Response synthetic(int status, String reason) {
    try {
      Response r = endpoint.messageFactory().createResponse(status, request);
      r.setReasonPhrase(reason);
      return r;
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  private void sendCancel() {
    try {
      Request cancel = transaction.createCancel();
      endpoint.send(cancel);
    } catch (SipException | RuntimeException e) {
      LOG.debug("{}: cannot CANCEL: {}", endpoint.name(), e.toString());
    }
  }

  private void hangUpUnwanted(Response ok, Dialog d) {
    Dialog target = d != null ? d : dialog();
    if (target == null) {
      LOG.warn("{}: late 2xx without a dialog; cannot hang it up", endpoint.name());
      return;
    }
    try {
      endpoint.ack(target, ok);
      Request bye = target.createRequest(Request.BYE);
      endpoint.send(bye, target);
      LOG.info("{}: answered after it was given up; sent BYE", endpoint.name());
    } catch (SipException | RuntimeException e) {
      LOG.debug("{}: cannot hang up a late answer: {}", endpoint.name(), e.toString());
    }
  }
}
