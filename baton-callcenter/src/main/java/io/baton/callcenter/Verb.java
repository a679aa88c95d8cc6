package io.baton.callcenter;

import java.time.Duration;
import java.util.Map;

/**
 * One step of an IVR flow, as the call center's YAML writes it: a list item with exactly one key,
 * {@code play}, {@code gather}, {@code enqueue}, {@code transfer} or {@code hangup}.
 */
public sealed interface Verb {

  /** Plays a prompt to its end; digits pressed meanwhile wait for the next gather (type-ahead). */
  record Play(String prompt) implements Verb {}

  /**
   * Plays {@code prompt} and collects digits until {@code maxDigits} were pressed or {@code
   * timeout} passed after the prompt (or after the last digit). Digits that name a {@code choices}
   * key go to that flow; otherwise the gather runs again, {@code attempts} times in all, then the
   * flow goes on with the next verb.
   */
  record Gather(
      String prompt, int maxDigits, Duration timeout, int attempts, Map<String, String> choices)
      implements Verb {}

  /** Waits in a queue for one of its agents, hearing the hold prompt, then talks to the agent. */
  record Enqueue(String queue) implements Verb {}

  /**
   * Asks Baton to transfer the call ({@code POST /v1/calls/{id}/transfer}); if that fails the
   * caller stays and the flow goes on with the next verb.
   */
  record Transfer(String to) implements Verb {}

  /** Ends the call (BYE). */
  record Hangup() implements Verb {}

  /**
   * A verb as the YAML binds it; exactly one field set.
   *
   * @param hangup {@code hangup: true}
   */
  record Spec(String play, GatherSpec gather, String enqueue, String transfer, Boolean hangup) {

    /**
     * The verb.
     *
     * @param key where it is in the configuration, for error messages
     * @throws IllegalArgumentException naming the key when not exactly one verb is given
     */
    Verb verb(String key) {
      int given =
          (play != null ? 1 : 0)
              + (gather != null ? 1 : 0)
              + (enqueue != null ? 1 : 0)
              + (transfer != null ? 1 : 0)
              + (hangup != null ? 1 : 0);
      if (given != 1) {
        throw new IllegalArgumentException(
            key + ": one of play, gather, enqueue, transfer, hangup expected, " + given + " given");
      }
      if (play != null) {
        return new Play(name(key + ".play", play));
      }
      if (gather != null) {
        return gather.verb(key + ".gather");
      }
      if (enqueue != null) {
        return new Enqueue(name(key + ".enqueue", enqueue));
      }
      if (transfer != null) {
        return new Transfer(name(key + ".transfer", transfer));
      }
      if (!hangup) {
        throw new IllegalArgumentException(key + ".hangup: only 'hangup: true' is a verb");
      }
      return new Hangup();
    }
  }

  /**
   * {@code gather: {prompt: menu, maxDigits: 1, timeout: 5s, attempts: 2, choices: {"1": sales}}}.
   */
  record GatherSpec(
      String prompt,
      Integer maxDigits,
      Duration timeout,
      Integer attempts,
      Map<String, String> choices) {

    Gather verb(String key) {
      int max = maxDigits == null ? 1 : maxDigits;
      if (max < 1 || max > 20) {
        throw new IllegalArgumentException(key + ".maxDigits: " + max + " is not 1..20");
      }
      Duration wait = timeout == null ? Duration.ofSeconds(5) : timeout;
      if (wait.isNegative() || wait.isZero() || wait.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(key + ".timeout: " + wait + " is not within 0..1m");
      }
      int tries = attempts == null ? 1 : attempts;
      if (tries < 1 || tries > 10) {
        throw new IllegalArgumentException(key + ".attempts: " + tries + " is not 1..10");
      }
      Map<String, String> to = choices == null ? Map.of() : Map.copyOf(choices);
      to.forEach(
          (digits, flow) -> {
            if (digits.isEmpty()
                || digits.length() > max
                || !digits.chars().allMatch(c -> "0123456789*#ABCD".indexOf(c) >= 0)) {
              throw new IllegalArgumentException(
                  key + ".choices: '" + digits + "' is not 1.." + max + " DTMF digits");
            }
            name(key + ".choices." + digits, flow);
          });
      return new Gather(name(key + ".prompt", prompt), max, wait, tries, to);
    }
  }

  private static String name(String key, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + ": missing");
    }
    return value.strip();
  }
}
