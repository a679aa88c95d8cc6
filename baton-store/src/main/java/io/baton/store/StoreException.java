package io.baton.store;

import java.sql.SQLException;

/** A database failure, unchecked: callers above the store cannot repair SQL errors. */
public final class StoreException extends RuntimeException {
  public StoreException(SQLException cause) {
    super(cause.getMessage(), cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
