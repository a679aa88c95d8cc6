package io.baton.media;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 20 ms packet clock (RFC 3551 §4.5: 20 ms frames) of every stream an element sends: one
 * wake-up per tick sends a frame on all of them, rather than a timer and a wake-up per stream.
 */
public final class MediaClock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MediaClock.class);
  static final long FRAME_MILLIS = 20;

  private final Set<RtpStream> streams = ConcurrentHashMap.newKeySet();
  private final ScheduledFuture<?> tick;

  public MediaClock(ScheduledExecutorService scheduler) {
    this.tick =
        scheduler.scheduleAtFixedRate(
            this::tick, FRAME_MILLIS, FRAME_MILLIS, TimeUnit.MILLISECONDS);
  }

  void add(RtpStream stream) {
    streams.add(stream);
  }

  void remove(RtpStream stream) {
    streams.remove(stream);
  }

  /** Streams sending now. */
  public int streams() {
    return streams.size();
  }

  private void tick() {
    for (RtpStream stream : streams) {
      try {
        stream.sendFrame();
      } catch (RuntimeException e) {
        LOG.debug("sending a frame failed: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    tick.cancel(false);
    streams.clear();
  }
}
