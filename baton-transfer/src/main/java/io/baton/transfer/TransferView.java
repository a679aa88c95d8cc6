package io.baton.transfer;

import java.time.Instant;
import java.util.List;

/**
 * A transfer as stored and as the API shows it (README "The API": {@code transfer}).
 *
 * @param id {@code t-<16 hex>}
 * @param callId the Baton call id
 * @param tenant the tenant owning the call
 * @param to the first target as the client wrote it
 * @param destination what the first target resolved to: {@code tel:+1...} or a SIP URI
 * @param mode {@code make-before-break} or {@code blind}
 * @param state {@code requested|routing|dialing|ringing|answered|completed|failed|rolled_back|
 *     cancelled}
 * @param sipStatus the SIP status that ended it, if any
 * @param reason why it ended as it did; null while it runs
 * @param timeoutSeconds how long the first target may ring
 * @param targets every target in the order they are tried
 * @param onFail {@code stay} or {@code hangup}
 * @param attempt the 1-based target SBC-edge reported last
 * @param createdAt when it was requested
 * @param updatedAt when it last changed state
 * @param history every state it entered, oldest first
 */
public record TransferView(
    String id,
    String callId,
    String tenant,
    String to,
    String destination,
    String mode,
    String state,
    Integer sipStatus,
    String reason,
    int timeoutSeconds,
    List<TargetView> targets,
    String onFail,
    int attempt,
    Instant createdAt,
    Instant updatedAt,
    List<HistoryEntry> history) {

  /** One target of the fallback list. */
  public record TargetView(String to, String destination, int timeoutSeconds) {}

  /** One state entered, when and why. */
  public record HistoryEntry(String state, Instant at, String cause) {}

  public TransferView with(List<TargetView> allTargets, List<HistoryEntry> entries) {
    return new TransferView(
        id,
        callId,
        tenant,
        to,
        destination,
        mode,
        state,
        sipStatus,
        reason,
        timeoutSeconds,
        List.copyOf(allTargets),
        onFail,
        attempt,
        createdAt,
        updatedAt,
        List.copyOf(entries));
  }
}
