package io.baton.redirect;

import io.baton.registry.Call;
import io.baton.registry.CallRegistry;
import io.baton.registry.Leg;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls each carrier carries now, counted from the call registry: the legs that name a carrier and
 * have not ended. SBC-edge publishes a leg as it sends its INVITE, so a burst of calls answered by
 * 302s before their legs appear can pass a limit by the calls in flight (a soft limit).
 */
final class CarrierLoad implements CallRegistry.CallListener {
  private static final Logger LOG = LoggerFactory.getLogger(CarrierLoad.class);

  private final CallRegistry registry;
  private final Map<String, String> liveLegs = new HashMap<>(); // leg id → carrier
  private final Map<String, Integer> calls = new HashMap<>(); // carrier → live legs

  private CarrierLoad(CallRegistry registry) {
    this.registry = registry;
  }

  /** Counts from now on every change {@code registry} reports. */
  static CarrierLoad watch(CallRegistry registry) {
    CarrierLoad load = new CarrierLoad(registry);
    registry.addListener(load);
    return load;
  }

  @Override
  public void changed(String callId) {
    try {
      registry.find(callId).ifPresent(this::count);
    } catch (RuntimeException e) {
      LOG.warn("cannot count the carrier legs of {}: {}", callId, e.toString());
    }
  }

  private synchronized void count(Call call) {
    for (Leg leg : call.legs()) {
      if (leg.carrier() == null) {
        continue;
      }
      if (!leg.state().ended()) {
        if (liveLegs.putIfAbsent(leg.id(), leg.carrier()) == null) {
          calls.merge(leg.carrier(), 1, Integer::sum);
        }
      } else if (liveLegs.remove(leg.id()) != null) {
        calls.merge(leg.carrier(), -1, (a, b) -> a + b == 0 ? null : a + b);
      }
    }
  }

  synchronized int activeCalls(String carrier) {
    return calls.getOrDefault(carrier, 0);
  }
}
