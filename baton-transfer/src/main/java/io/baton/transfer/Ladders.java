package io.baton.transfer;

import io.baton.sip.CapturedMessage;
import io.baton.sip.SipCapture;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The SIP messages of recent calls, for their ladder diagrams: every message this process captures,
 * once per message on the wire (echoes skipped), kept by SIP Call-ID. A call's messages are those
 * of its legs' Call-IDs and of every Call-ID whose messages carried its {@code X-Baton-Call-Id}
 * (the redirect server's 302, the transfer server's REFER and NOTIFYs). Memory is bounded: at most
 * {@code dialogs} Call-IDs, the oldest forgotten first, and {@code messagesPerDialog} messages
 * each.
 */
final class Ladders implements SipCapture.Listener, AutoCloseable {
  private final int dialogs;
  private final int messagesPerDialog;
  private final ReentrantLock lock = new ReentrantLock();
  private final LinkedHashMap<String, Dialog> bySipCallId = new LinkedHashMap<>();

  /** The messages of one Call-ID, and the Baton call they belong to once one said so. */
  private static final class Dialog {
    final List<CapturedMessage> messages = new ArrayList<>();
    String batonCallId;
  }

  Ladders(TransferServerConfig.Capture config) {
    this.dialogs = config.dialogs();
    this.messagesPerDialog = config.messagesPerDialog();
  }

  Ladders start() {
    SipCapture.addListener(this);
    return this;
  }

  @Override
  public void onMessage(CapturedMessage m) {
    if (m.echo()) {
      return;
    }
    lock.lock();
    try {
      Dialog d = bySipCallId.get(m.callId());
      if (d == null) {
        d = new Dialog();
        bySipCallId.put(m.callId(), d);
        if (bySipCallId.size() > dialogs) {
          Iterator<String> oldest = bySipCallId.keySet().iterator();
          oldest.next();
          oldest.remove();
        }
      }
      if (d.messages.size() < messagesPerDialog) {
        d.messages.add(m);
      }
      if (m.batonCallId() != null) {
        d.batonCallId = m.batonCallId();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Every kept message of the Baton call {@code callId} whose legs have {@code sipCallIds}, in the
   * order they were captured.
   */
  List<CapturedMessage> of(String callId, Collection<String> sipCallIds) {
    Set<String> callIds = new HashSet<>(sipCallIds);
    List<CapturedMessage> out = new ArrayList<>();
    lock.lock();
    try {
      for (Map.Entry<String, Dialog> e : bySipCallId.entrySet()) {
        if (callIds.contains(e.getKey()) || callId.equals(e.getValue().batonCallId)) {
          out.addAll(e.getValue().messages);
        }
      }
    } finally {
      lock.unlock();
    }
    out.sort(Comparator.comparingLong(CapturedMessage::seq));
    return out;
  }

  @Override
  public void close() {
    SipCapture.removeListener(this);
  }
}
