package io.baton.sip;

import javax.sip.Dialog;

/**
 * An element's reaction to what arrives. Called on the stack's threads while the transaction is
 * locked: never block here (database, HTTP, waiting for another response); hand such work to a
 * virtual thread and answer later through the {@link InboundRequest}.
 */
public interface SipHandler {

  void onRequest(InboundRequest request);

  /** A response matching no client transaction of ours (e.g. a retransmitted 2xx). */
  default void onStrayResponse(InboundResponse response) {}

  default void onDialogTerminated(Dialog dialog) {}
}
