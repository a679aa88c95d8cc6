package io.baton.sbc;

import javax.sip.message.Response;

/** How an attempt to reach a destination ended. */
sealed interface DialOutcome {

  /** A leg answered; it still has to be ACKed ({@link OutboundLeg#confirm}). */
  record Answered(OutboundLeg leg, Response ok) implements DialOutcome {}

  /** No leg answered: the status to report (the last leg's, or 408/487/503 made up locally). */
  record Failed(int status, String reason) implements DialOutcome {}
}
