package io.baton.store;

import io.baton.routing.TimeWindow;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * A number a tenant owns and where calls to it go.
 *
 * @param did the number, E.164
 * @param tenantId the owner
 * @param redirectTo an E.164 number (reached through the core proxy) or a SIP URI
 * @param enabled false to answer calls to it with 404
 * @param timeZone where the schedules' times of day are read
 * @param schedules where calls go at certain times instead of {@code redirectTo}; the first whose
 *     window holds the call's time wins
 */
public record Did(
    String did,
    String tenantId,
    String redirectTo,
    boolean enabled,
    ZoneId timeZone,
    List<Schedule> schedules) {

  public Did {
    timeZone = Objects.requireNonNull(timeZone, "timeZone").normalized();
    schedules = List.copyOf(schedules);
  }

  /** A DID without schedules, times in UTC. */
  public Did(String did, String tenantId, String redirectTo, boolean enabled) {
    this(did, tenantId, redirectTo, enabled, ZoneOffset.UTC, List.of());
  }

  /**
   * A time-of-day/day-of-week variant of a DID's redirect.
   *
   * @param window when it applies, in the DID's time zone
   * @param redirectTo where calls go then: an E.164 number or a SIP URI
   */
  public record Schedule(TimeWindow window, String redirectTo) {}

  /** Where a call arriving at {@code at} goes. */
  public String redirectAt(Instant at) {
    if (schedules.isEmpty()) {
      return redirectTo;
    }
    var local = at.atZone(timeZone);
    for (Schedule s : schedules) {
      if (s.window().contains(local)) {
        return s.redirectTo();
      }
    }
    return redirectTo;
  }
}
