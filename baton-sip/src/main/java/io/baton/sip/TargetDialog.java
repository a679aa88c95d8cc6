package io.baton.sip;

import java.util.Locale;
import java.util.Objects;

/**
 * The {@code Target-Dialog} header (RFC 4538 §7): names an existing dialog by Call-ID and tags. In
 * Baton the transfer server sends it on behalf of the destination side of a call: {@code localTag}
 * is the destination side's tag (the To tag of the dialog's INVITE) and {@code remoteTag} the
 * caller side's (its From tag), the side that will receive the REFER.
 */
public record TargetDialog(String callId, String localTag, String remoteTag) {
  public static final String NAME = "Target-Dialog";

  public TargetDialog {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(localTag, "localTag");
    Objects.requireNonNull(remoteTag, "remoteTag");
    if (callId.isBlank() || localTag.isBlank() || remoteTag.isBlank()) {
      throw new IllegalArgumentException("Target-Dialog needs a Call-ID and both tags");
    }
  }

  /**
   * Parses {@code callid;local-tag=a;remote-tag=b} (parameters in any order, others ignored).
   *
   * @throws IllegalArgumentException if the Call-ID or either tag is missing
   */
  public static TargetDialog parse(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("empty Target-Dialog");
    }
    String[] parts = value.trim().split(";");
    String local = null;
    String remote = null;
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].trim().split("=", 2);
      if (kv.length != 2) {
        continue;
      }
      switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
        case "local-tag" -> local = kv[1].trim();
        case "remote-tag" -> remote = kv[1].trim();
        default -> {}
      }
    }
    if (local == null || remote == null) {
      throw new IllegalArgumentException("Target-Dialog lacks local-tag or remote-tag");
    }
    return new TargetDialog(parts[0].trim(), local, remote);
  }

  /** The header value as sent on the wire. */
  public String value() {
    return callId + ";local-tag=" + localTag + ";remote-tag=" + remoteTag;
  }

  @Override
  public String toString() {
    return value();
  }
}
