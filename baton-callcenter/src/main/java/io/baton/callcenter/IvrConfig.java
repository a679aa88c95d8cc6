package io.baton.callcenter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The call center's IVR (the {@code callcenter.ivr:} block): named flows of {@link Verb}s, and
 * which flow a call runs by the DID it was dialled on (Baton reports the DID: {@code GET
 * /v1/calls/{id}}), {@code defaultFlow} for any other. A per-DID flow is how each transfer trigger
 * is configured: one that starts with {@code transfer} moves the call on arrival, a {@code gather}
 * with choices after an IVR choice, an {@code enqueue} when an agent asks.
 *
 * @param defaultFlow the flow of calls to DIDs not listed in {@code dids}
 * @param dids DID (E.164) → flow name
 * @param flows flow name → its verbs, run in order
 */
public record IvrConfig(
    String defaultFlow, Map<String, String> dids, Map<String, List<Verb.Spec>> flows) {

  public IvrConfig {
    dids = dids == null ? Map.of() : Map.copyOf(dids);
    flows = flows == null ? Map.of() : Map.copyOf(flows);
    if (flows.isEmpty()) {
      throw new IllegalArgumentException("callcenter.ivr.flows: at least one flow needed");
    }
    if (defaultFlow == null || !flows.containsKey(defaultFlow)) {
      throw new IllegalArgumentException(
          "callcenter.ivr.defaultFlow: '"
              + defaultFlow
              + "' is not one of the flows "
              + flows.keySet());
    }
    Set<String> names = flows.keySet();
    dids.forEach(
        (did, flow) -> {
          if (!did.matches("\\+[1-9][0-9]{1,14}")) {
            throw new IllegalArgumentException(
                "callcenter.ivr.dids: '" + did + "' is not an E.164 number (+ and digits)");
          }
          if (!names.contains(flow)) {
            throw new IllegalArgumentException(
                "callcenter.ivr.dids." + did + ": '" + flow + "' is not one of the flows");
          }
        });
  }

  /**
   * Every flow's verbs.
   *
   * @param queues the queues {@code enqueue} may name
   * @param prompts the prompts {@code play} and {@code gather} may name
   * @throws IllegalArgumentException naming the key of the first verb that is wrong
   */
  Map<String, List<Verb>> verbs(Set<String> queues, Set<String> prompts) {
    Map<String, List<Verb>> out = new LinkedHashMap<>();
    flows.forEach(
        (name, specs) -> {
          String key = "callcenter.ivr.flows." + name;
          if (specs == null || specs.isEmpty()) {
            throw new IllegalArgumentException(key + ": a flow needs at least one verb");
          }
          List<Verb> verbs = new java.util.ArrayList<>();
          for (int i = 0; i < specs.size(); i++) {
            String at = key + "[" + i + "]";
            if (specs.get(i) == null) {
              throw new IllegalArgumentException(at + ": empty verb");
            }
            Verb verb = specs.get(i).verb(at);
            check(at, verb, queues, prompts);
            verbs.add(verb);
          }
          out.put(name, List.copyOf(verbs));
        });
    return Map.copyOf(out);
  }

  private void check(String at, Verb verb, Set<String> queues, Set<String> prompts) {
    switch (verb) {
      case Verb.Play p -> known(at + ".play", p.prompt(), prompts, "prompts");
      case Verb.Gather g -> {
        known(at + ".gather.prompt", g.prompt(), prompts, "prompts");
        g.choices()
            .forEach((d, f) -> known(at + ".gather.choices." + d, f, flows.keySet(), "flows"));
      }
      case Verb.Enqueue e -> known(at + ".enqueue", e.queue(), queues, "queues");
      case Verb.Transfer t -> {
        if (!t.to().matches("(target:[A-Za-z0-9._-]+|sip:\\S+|\\+?[0-9]{3,15})")) {
          throw new IllegalArgumentException(
              at + ".transfer: '" + t.to() + "' is not target:<name>, a sip: URI or a number");
        }
      }
      case Verb.Hangup h -> {}
    }
  }

  private static void known(String key, String name, Set<String> names, String what) {
    if (!names.contains(name)) {
      throw new IllegalArgumentException(
          key
              + ": '"
              + name
              + "' is not one of the "
              + what
              + " "
              + new java.util.TreeSet<>(names));
    }
  }
}
