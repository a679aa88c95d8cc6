package io.baton.registry;

import java.util.Locale;

/**
 * Where one leg (one SIP dialog hop between two elements) stands; the API's vocabulary
 * (docs/design.md, "Interfaces").
 */
public enum LegState {
  TRYING,
  RINGING,
  ACTIVE,
  RELEASED,
  FAILED;

  public boolean ended() {
    return this == RELEASED || this == FAILED;
  }

  /** The API's spelling: {@code trying}, {@code ringing}, ... */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
