package io.baton.transfer;

import io.baton.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Event ids that only grow, across restarts too: blocks of {@value #BLOCK} are reserved in the
 * {@code event_sequence} row (hi/lo), so the database is asked once per block. Ids an old run
 * reserved but never used are skipped, which only leaves gaps. Not thread-safe: {@link Events}
 * calls it under its lock.
 */
final class EventIds {
  static final int BLOCK = 100;

  private final Database db;
  private long next;
  private long limit;

  EventIds(Database db) {
    this.db = db;
  }

  long next() {
    if (next == limit) {
      limit = reserve();
      next = limit - BLOCK;
    }
    return next++;
  }

  /** Moves the stored next id one block on; returns the new value (the block's end). */
  private long reserve() {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE event_sequence SET next_id = next_id + ? WHERE id = 1")) {
            ps.setInt(1, BLOCK);
            if (ps.executeUpdate() != 1) {
              throw new IllegalStateException("event_sequence has no row 1");
            }
          }
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT next_id FROM event_sequence WHERE id = 1");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }
}
