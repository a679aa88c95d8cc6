package io.baton.registry;

import java.util.List;
import java.util.Optional;

/**
 * Where elements publish the calls and legs they hold, and where the transfer server finds them
 * (docs/design.md, "The network"). Elements never call each other: they only write their own legs
 * here. One process shares an {@link InMemoryCallRegistry}; separate processes share Redis ({@link
 * RedisCallRegistry}).
 */
public interface CallRegistry extends AutoCloseable {

  /** Records a new call (its legs follow with {@link #putLeg}). */
  void createCall(Call call);

  /** Creates or replaces a leg (by id) and indexes its SIP Call-ID. */
  void putLeg(Leg leg);

  /** A call with all its legs, by Baton call id. */
  Optional<Call> find(String callId);

  /** The call one of whose legs has this SIP Call-ID. */
  Optional<Call> findBySipCallId(String sipCallId);

  /** Calls newest first, at most {@code limit}, ended ones included while retained. */
  List<Call> recent(int limit);

  /** Subscribes to changes: {@code listener} gets the Baton call id of every call that changed. */
  void addListener(CallListener listener);

  @Override
  default void close() {}

  /** Told the id of a call whose record or legs changed. */
  @FunctionalInterface
  interface CallListener {
    void changed(String callId);
  }
}
