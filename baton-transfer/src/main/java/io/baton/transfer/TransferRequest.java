package io.baton.transfer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.routing.Numbers;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A valid body of {@code POST /v1/calls/{callId}/transfer}.
 *
 * @param to the destination as the client wrote it
 * @param target what {@code to} names: a destination, or a tenant's named target
 * @param mode how SBC-edge moves the caller
 * @param timeoutSeconds how long the new destination may take to answer
 */
public record TransferRequest(String to, Target target, TransferMode mode, int timeoutSeconds) {

  private static final Set<String> FIELDS = Set.of("to", "mode", "timeoutSeconds");
  private static final Pattern TARGET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final String TARGET_PREFIX = "target:";

  /** What {@code to} names. */
  public sealed interface Target {
    /** A number or SIP URI given directly. */
    record Direct(Destination destination) implements Target {}

    /** {@code target:name}, resolved from the tenant's targets. */
    record Named(String name) implements Target {}
  }

  /** The outcome of reading a body. */
  public sealed interface Parsed {
    record Valid(TransferRequest request) implements Parsed {}

    record Invalid(ProblemType type, String detail) implements Parsed {}
  }

  /**
   * Reads and checks a request body: a JSON object with {@code to} (required), {@code mode} and
   * {@code timeoutSeconds} (1..maxTimeout), and no other field.
   */
  public static Parsed parse(
      String body, ObjectMapper json, Numbers numbers, TransferServerConfig config) {
    JsonNode root;
    try {
      root = body == null || body.isBlank() ? null : json.readTree(body);
    } catch (JacksonException e) {
      return invalid(ProblemType.MALFORMED_BODY, "the body is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      return invalid(ProblemType.MALFORMED_BODY, "the body must be a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        return invalid(
            ProblemType.INVALID_FIELD,
            name + ": unknown field (expected to, mode, timeoutSeconds)");
      }
    }
    JsonNode to = root.get("to");
    if (to == null || to.isNull()) {
      return invalid(ProblemType.INVALID_FIELD, "to: required");
    }
    if (!to.isTextual()) {
      return invalid(ProblemType.INVALID_FIELD, "to: must be a string");
    }
    Optional<Target> target = target(to.asText(), numbers);
    if (target.isEmpty()) {
      return invalid(
          ProblemType.INVALID_DESTINATION,
          "to: '" + to.asText() + "' is not an E.164 number, a sip: URI or target:name");
    }
    JsonNode modeNode = root.get("mode");
    TransferMode mode = TransferMode.MAKE_BEFORE_BREAK;
    if (modeNode != null && !modeNode.isNull()) {
      if (!modeNode.isTextual() || TransferMode.fromWire(modeNode.asText()).isEmpty()) {
        return invalid(
            ProblemType.INVALID_FIELD,
            "mode: '" + modeNode.asText() + "' is not make-before-break or blind");
      }
      mode = TransferMode.fromWire(modeNode.asText()).orElseThrow();
    }
    long max = config.maxTimeout().toSeconds();
    JsonNode timeoutNode = root.get("timeoutSeconds");
    int timeout = (int) config.defaultTimeout().toSeconds();
    if (timeoutNode != null && !timeoutNode.isNull()) {
      if (!timeoutNode.isIntegralNumber()
          || timeoutNode.asLong() < 1
          || timeoutNode.asLong() > max) {
        return invalid(
            ProblemType.INVALID_FIELD,
            "timeoutSeconds: " + timeoutNode + " is not a whole number in 1.." + max);
      }
      timeout = timeoutNode.asInt();
    }
    return new Parsed.Valid(new TransferRequest(to.asText(), target.get(), mode, timeout));
  }

  private static Optional<Target> target(String to, Numbers numbers) {
    if (to.regionMatches(true, 0, TARGET_PREFIX, 0, TARGET_PREFIX.length())) {
      String name = to.substring(TARGET_PREFIX.length());
      return TARGET_NAME.matcher(name).matches()
          ? Optional.of(new Target.Named(name))
          : Optional.empty();
    }
    return Destination.parse(to, numbers).map(Target.Direct::new);
  }

  private static Parsed invalid(ProblemType type, String detail) {
    return new Parsed.Invalid(type, detail);
  }
}
