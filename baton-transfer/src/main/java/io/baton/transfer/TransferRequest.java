package io.baton.transfer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.contract.BatonHeaders;
import io.baton.contract.OnFail;
import io.baton.contract.PassHeader;
import io.baton.contract.TransferMode;
import io.baton.routing.Numbers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A valid body of {@code POST /v1/calls/{callId}/transfer}.
 *
 * @param targets tried in order (1..{@value #MAX_TARGETS})
 * @param mode how SBC-edge moves the caller
 * @param onFail what becomes of the caller when every target failed
 * @param headers headers to pass to the new destination, by name as written (at most {@value
 *     #MAX_HEADERS})
 */
public record TransferRequest(
    List<TargetRequest> targets, TransferMode mode, OnFail onFail, Map<String, String> headers) {

  static final int MAX_TARGETS = 10;
  static final int MAX_HEADERS = 10;
  static final int MAX_HEADER_VALUE = 256;
  private static final int MAX_TO = 255;
  private static final Set<String> FIELDS =
      Set.of("to", "mode", "timeoutSeconds", "onFail", "headers");
  private static final Set<String> TARGET_FIELDS = Set.of("to", "timeoutSeconds");
  private static final Pattern TARGET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final String TARGET_PREFIX = "target:";

  private static final int MAX_HEADER_NAME = 64;

  private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]+");

  public TransferRequest {
    targets = List.copyOf(targets);
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /**
   * One entry of {@code to}.
   *
   * @param field where it was in the body ({@code to}, {@code to[1]}, {@code to[1].to}), for errors
   * @param to the destination as the client wrote it
   * @param target what {@code to} names: a destination, or a tenant's named target
   * @param timeoutSeconds how long it may ring
   */
  public record TargetRequest(String field, String to, Target target, int timeoutSeconds) {}

  /** What {@code to} names. */
  public sealed interface Target {
    /** A number or SIP URI given directly. */
    record Direct(ReferTarget destination) implements Target {}

    /** {@code target:name}, resolved from the tenant's targets. */
    record Named(String name) implements Target {}
  }

  /** The outcome of reading a body. */
  public sealed interface Parsed {
    record Valid(TransferRequest request) implements Parsed {}

    record Invalid(ProblemType type, String detail) implements Parsed {}
  }

  /** Thrown inside the parser; becomes {@link Parsed.Invalid}. */
  private static final class Bad extends RuntimeException {
    private final ProblemType type;

    Bad(ProblemType type, String detail) {
      super(detail, null, false, false);
      this.type = type;
    }
  }

  /**
   * Reads and checks a request body: a JSON object with {@code to} (required: a destination, or a
   * list of destinations and {@code {"to", "timeoutSeconds"}} objects), {@code mode}, {@code
   * timeoutSeconds} (1..maxTimeout, the default of every target), {@code onFail}, {@code headers},
   * and no other field.
   */
  public static Parsed parse(
      String body, ObjectMapper json, Numbers numbers, TransferServerConfig config) {
    JsonNode root;
    try {
      root = body == null || body.isBlank() ? null : json.readTree(body);
    } catch (JacksonException e) {
      return new Parsed.Invalid(ProblemType.MALFORMED_BODY, "the body is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      return new Parsed.Invalid(ProblemType.MALFORMED_BODY, "the body must be a JSON object");
    }
    try {
      onlyFields(root, FIELDS, "", "to, mode, timeoutSeconds, onFail, headers");
      int timeout = timeout(root.get("timeoutSeconds"), "timeoutSeconds", config, -1);
      return new Parsed.Valid(
          new TransferRequest(
              targets(root.get("to"), numbers, config, timeout),
              mode(root.get("mode")),
              onFail(root.get("onFail")),
              headers(root.get("headers"))));
    } catch (Bad e) {
      return new Parsed.Invalid(e.type, e.getMessage());
    }
  }

  /**
   * This request for the call {@code callRef} in a canonical form (defaults filled in, headers
   * sorted by name), so that two bodies asking for the same transfer compare equal however they
   * were written.
   */
  String canonical(ObjectMapper json, String callRef) {
    ObjectNode root = json.createObjectNode();
    root.put("call", callRef);
    ArrayNode to = root.putArray("to");
    for (TargetRequest t : targets) {
      to.addObject().put("to", t.to()).put("timeoutSeconds", t.timeoutSeconds());
    }
    root.put("mode", mode.wire());
    root.put("onFail", onFail.wire());
    ObjectNode h = root.putObject("headers");
    new TreeMap<>(headers).forEach(h::put);
    return root.toString();
  }

  private static void onlyFields(JsonNode object, Set<String> allowed, String at, String expected) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new Bad(
            ProblemType.INVALID_FIELD, at + name + ": unknown field (expected " + expected + ")");
      }
    }
  }

  private static List<TargetRequest> targets(
      JsonNode to, Numbers numbers, TransferServerConfig config, int timeout) {
    if (to == null || to.isNull()) {
      throw new Bad(ProblemType.INVALID_FIELD, "to: required");
    }
    int fallback = timeout > 0 ? timeout : (int) config.defaultTimeout().toSeconds();
    if (to.isTextual()) {
      return List.of(target("to", to.asText(), fallback, numbers));
    }
    if (!to.isArray()) {
      throw new Bad(ProblemType.INVALID_FIELD, "to: must be a string or a list");
    }
    if (to.isEmpty() || to.size() > MAX_TARGETS) {
      throw new Bad(
          ProblemType.INVALID_FIELD,
          "to: a list of 1 to " + MAX_TARGETS + " targets (has " + to.size() + ")");
    }
    List<TargetRequest> out = new ArrayList<>();
    for (int i = 0; i < to.size(); i++) {
      JsonNode item = to.get(i);
      String at = "to[" + i + "]";
      if (item.isTextual()) {
        out.add(target(at, item.asText(), fallback, numbers));
      } else if (item.isObject()) {
        onlyFields(item, TARGET_FIELDS, at + ".", "to, timeoutSeconds");
        JsonNode itemTo = item.get("to");
        if (itemTo == null || !itemTo.isTextual()) {
          throw new Bad(ProblemType.INVALID_FIELD, at + ".to: required, a string");
        }
        int own = timeout(item.get("timeoutSeconds"), at + ".timeoutSeconds", config, fallback);
        out.add(target(at + ".to", itemTo.asText(), own, numbers));
      } else {
        throw new Bad(
            ProblemType.INVALID_FIELD, at + ": must be a string or {\"to\", \"timeoutSeconds\"}");
      }
    }
    return out;
  }

  private static TargetRequest target(String field, String to, int timeout, Numbers numbers) {
    if (to.length() > MAX_TO) {
      throw new Bad(
          ProblemType.INVALID_DESTINATION, field + ": longer than " + MAX_TO + " characters");
    }
    Optional<Target> target = target(to, numbers);
    if (target.isEmpty()) {
      throw new Bad(
          ProblemType.INVALID_DESTINATION,
          field + ": '" + to + "' is not an E.164 number, a sip: URI or target:name");
    }
    return new TargetRequest(field, to, target.get(), timeout);
  }

  private static Optional<Target> target(String to, Numbers numbers) {
    if (to.regionMatches(true, 0, TARGET_PREFIX, 0, TARGET_PREFIX.length())) {
      String name = to.substring(TARGET_PREFIX.length());
      return TARGET_NAME.matcher(name).matches()
          ? Optional.of(new Target.Named(name))
          : Optional.empty();
    }
    return ReferTarget.parse(to, numbers).map(Target.Direct::new);
  }

  /** A timeout in whole seconds in 1..maxTimeout; {@code absent} if the node is missing. */
  private static int timeout(JsonNode node, String field, TransferServerConfig config, int absent) {
    if (node == null || node.isNull()) {
      return absent;
    }
    long max = config.maxTimeout().toSeconds();
    if (!node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > max) {
      throw new Bad(
          ProblemType.INVALID_FIELD, field + ": " + node + " is not a whole number in 1.." + max);
    }
    return node.asInt();
  }

  private static TransferMode mode(JsonNode node) {
    return choice(node, "mode", TransferMode.DEFAULT, TransferMode::parse);
  }

  private static OnFail onFail(JsonNode node) {
    return choice(node, "onFail", OnFail.DEFAULT, OnFail::parse);
  }

  /** A choice read like its header on the wire (docs/architecture.md, "Wire contract"). */
  private static <T> T choice(JsonNode node, String field, T absent, Function<String, T> parse) {
    if (node == null || node.isNull()) {
      return absent;
    }
    try {
      return parse.apply(node.asText()); // a number, boolean or object never spells a choice
    } catch (IllegalArgumentException e) {
      throw new Bad(ProblemType.INVALID_FIELD, field + ": " + e.getMessage());
    }
  }

  /**
   * Headers the new destination receives: those {@link PassHeader#mayPass} (names of at most 64
   * characters), values of printable ASCII.
   */
  private static Map<String, String> headers(JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new Bad(ProblemType.INVALID_FIELD, "headers: must be an object of name: value");
    }
    if (node.size() > MAX_HEADERS) {
      throw new Bad(
          ProblemType.INVALID_FIELD,
          "headers: at most " + MAX_HEADERS + " headers (has " + node.size() + ")");
    }
    Map<String, String> out = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> header = it.next();
      String name = header.getKey();
      String at = "headers." + name;
      if (BatonHeaders.isBaton(name)) {
        throw new Bad(
            ProblemType.INVALID_FIELD,
            at + ": " + BatonHeaders.PREFIX + " headers are Baton's own");
      }
      if (name.length() > MAX_HEADER_NAME || !PassHeader.mayPass(name)) {
        throw new Bad(
            ProblemType.INVALID_FIELD, at + ": only X- headers and User-to-User can be passed");
      }
      if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        throw new Bad(
            ProblemType.INVALID_FIELD, at + ": given twice (header names are case-insensitive)");
      }
      JsonNode value = header.getValue();
      if (!value.isTextual()
          || value.asText().length() > MAX_HEADER_VALUE
          || !PRINTABLE.matcher(value.asText()).matches()) {
        throw new Bad(
            ProblemType.INVALID_FIELD,
            at + ": the value must be 1 to " + MAX_HEADER_VALUE + " printable ASCII characters");
      }
      out.put(name, value.asText());
    }
    return out;
  }
}
