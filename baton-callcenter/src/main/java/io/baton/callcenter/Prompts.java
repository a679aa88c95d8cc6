package io.baton.callcenter;

import io.baton.media.AudioClip;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The prompts the call center ships: speech made by {@code src/main/prompts/generate.sh} (espeak-ng
 * and sox) as raw µ-law 8 kHz under {@code /prompts/<name>.ul}. Committed rather than generated at
 * build time so that building and running need neither tool and every build plays the same bytes.
 */
final class Prompts {
  /** Every prompt a flow may name. */
  static final Set<String> NAMES = Set.of("menu", "transferring", "hold", "goodbye", "agent");

  /** What a queued caller hears, looped. */
  static final String HOLD = "hold";

  /** What a simulated agent says, looped: agents "talk". */
  static final String AGENT = "agent";

  private static final Map<String, AudioClip> LOADED = new ConcurrentHashMap<>();

  private Prompts() {}

  /**
   * @throws IllegalArgumentException if {@code name} is not a shipped prompt
   */
  static AudioClip clip(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("no prompt '" + name + "'; there are " + NAMES);
    }
    return LOADED.computeIfAbsent(name, n -> AudioClip.resource(n, "/prompts/" + n + ".ul"));
  }
}
