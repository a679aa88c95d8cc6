package io.baton.proxy;

import io.baton.sip.Messages;
import io.baton.sip.TargetDialog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.message.Message;

/** The confirmed dialogs the proxy tracks, found by in-dialog messages and by Target-Dialog. */
final class DialogTable {

  /** A dialog an in-dialog message belongs to, and which side sent the request. */
  record Match(TrackedDialog dialog, boolean fromCallee) {}

  private final Map<DialogId, TrackedDialog> dialogs = new ConcurrentHashMap<>();

  void add(TrackedDialog dialog) {
    dialogs.put(dialog.id(), dialog);
  }

  void remove(TrackedDialog dialog) {
    dialogs.remove(dialog.id(), dialog);
  }

  int size() {
    return dialogs.size();
  }

  /** How many dialogs are in each state (confirmed, or ended but kept for a subscription). */
  Map<String, Long> countByState() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    for (TrackedDialog d : dialogs.values()) {
      counts.merge(d.state().name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
    }
    return counts;
  }

  /**
   * The dialog of an in-dialog request, or of a response to one: the From tag names the side that
   * sent the request.
   */
  Optional<Match> match(Message message) {
    String callId = Messages.callId(message);
    String fromTag = Messages.fromTag(message);
    String toTag = Messages.toTag(message);
    TrackedDialog fromCaller = dialogs.get(new DialogId(callId, fromTag, toTag));
    if (fromCaller != null) {
      return Optional.of(new Match(fromCaller, false));
    }
    TrackedDialog fromCallee = dialogs.get(new DialogId(callId, toTag, fromTag));
    return Optional.ofNullable(fromCallee).map(d -> new Match(d, true));
  }

  /**
   * The dialog a Target-Dialog names on behalf of the callee side (RFC 4538 §7): {@code local-tag}
   * is the callee side's tag and {@code remote-tag} the caller side's. Tags the other way round
   * name no dialog here.
   */
  Optional<TrackedDialog> find(TargetDialog target) {
    return Optional.ofNullable(
        dialogs.get(new DialogId(target.callId(), target.remoteTag(), target.localTag())));
  }

  /**
   * Ends the dialogs confirmed more than {@code maxAge} ago, or whose session interval passed
   * without a refresh.
   */
  void expire(Instant now, Duration maxAge) {
    List<TrackedDialog> old =
        dialogs.values().stream().filter(d -> d.outlived(now, maxAge)).toList();
    for (TrackedDialog d : old) {
      d.on(new TrackedDialog.Expired());
    }
  }
}
