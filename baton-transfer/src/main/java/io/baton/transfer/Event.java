package io.baton.transfer;

import java.time.Instant;

/**
 * One published state change.
 *
 * @param id grows with every event, across restarts ({@code id:} in SSE, {@code Baton-Event-Id})
 * @param type {@code transfer.updated} or {@code call.updated}
 * @param at when it happened
 * @param tenant whose it is; {@code ""} for a call no tenant owns (admins only)
 * @param data the resource as the API shows it, JSON
 */
public record Event(long id, String type, Instant at, String tenant, String data) {
  public static final String TRANSFER_UPDATED = "transfer.updated";
  public static final String CALL_UPDATED = "call.updated";
}
