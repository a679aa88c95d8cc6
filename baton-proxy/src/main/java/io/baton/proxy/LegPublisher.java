package io.baton.proxy;

import io.baton.registry.CallRegistry;
import io.baton.registry.Leg;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes legs to the call registry off the SIP threads (a registry may be Redis: never wait on it
 * in a stack callback), one write at a time so a leg's states land in the order they happened.
 */
final class LegPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LegPublisher.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CallRegistry registry;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().name("proxy-legs").factory());

  LegPublisher(CallRegistry registry) {
    this.registry = registry;
  }

  /** A new leg id, {@code l-<16 hex>}. */
  static String newLegId() {
    return "l-" + HexFormat.of().toHexDigits(RANDOM.nextLong());
  }

  void put(Leg leg) {
    try {
      writer.execute(
          () -> {
            try {
              registry.putLeg(leg);
            } catch (RuntimeException e) {
              LOG.warn("cannot publish leg {} ({}): {}", leg.id(), leg.state(), e.toString());
            }
          });
    } catch (RejectedExecutionException e) {
      LOG.debug("proxy closed; leg {} ({}) not published", leg.id(), leg.state());
    }
  }

  /** Lets the writes already queued finish (bounded), then stops. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(2, TimeUnit.SECONDS)) {
        writer.shutdownNow();
      }
    } catch (InterruptedException e) {
      writer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
