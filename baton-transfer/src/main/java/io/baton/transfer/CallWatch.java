package io.baton.transfer;

import io.baton.registry.Call;
import io.baton.registry.CallRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every call the registry reports changed, once, and shows it to each observer (events,
 * metrics, call detail records). The registry tells its listeners on the writer's thread (a SIP
 * handler), so the listener only queues the call id; one virtual thread reads the call and hands it
 * on, in the order changes arrived. A call changed several times before it is read is read once.
 */
final class CallWatch implements CallRegistry.CallListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CallWatch.class);

  /** Shown each changed call as the registry has it now. */
  interface Observer {
    /**
     * @param call the call, null if the registry no longer holds {@code callId}
     */
    void changed(String callId, Call call);
  }

  private final CallRegistry registry;
  private final List<Observer> observers = new CopyOnWriteArrayList<>();
  private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private volatile Thread worker;
  private volatile boolean closed;

  CallWatch(CallRegistry registry) {
    this.registry = registry;
  }

  CallWatch observe(Observer observer) {
    observers.add(observer);
    return this;
  }

  void start() {
    worker = Thread.ofVirtual().name("call-watch").start(this::run);
    registry.addListener(this);
  }

  @Override
  public void changed(String callId) {
    if (!closed && queued.add(callId)) {
      queue.add(callId);
    }
  }

  private void run() {
    while (!closed) {
      String callId;
      try {
        callId = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      queued.remove(callId);
      Call call = registry.find(callId).orElse(null);
      for (Observer o : observers) {
        try {
          o.changed(callId, call);
        } catch (RuntimeException e) {
          LOG.error("{} failed on call {}", o.getClass().getSimpleName(), callId, e);
        }
      }
    }
  }

  /** Stops watching (the registry has no way to remove a listener: it is ignored from now). */
  @Override
  public void close() {
    closed = true;
    Thread w = worker;
    if (w != null) {
      w.interrupt();
    }
  }
}
