package io.baton.app.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.baton.sip.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads Baton's YAML: the defaults in {@code baton-defaults.yaml} (every key, documented), then the
 * user's file over them, then binds the result to typed records whose constructors validate it.
 * Defaults for elements that may appear several times or not at all live under {@code templates:}
 * and are laid under each such element the file defines: {@code templates.sip} under every {@code
 * sip:} block, {@code templates.sbc} under every SBC, and so on. Any problem is one {@link
 * ConfigException} naming the key.
 */
public final class ConfigLoader {
  static final String DEFAULTS = "/baton-defaults.yaml";

  /** Where per-kind defaults are laid: config path pattern → template name. */
  private static final Map<String, String> TEMPLATED_SECTIONS =
      Map.of(
          "redirect", "redirect",
          "proxy", "proxy",
          "transfer", "transfer",
          "callcenter", "callcenter",
          "hep", "hep");

  private final ObjectMapper yaml;

  public ConfigLoader() {
    SimpleModule types = new SimpleModule("baton-config");
    types.addDeserializer(HostPort.class, new FromText<>(HostPort::parse, "host:port"));
    types.addDeserializer(Duration.class, new FromText<>(Durations::parse, "duration"));
    this.yaml =
        YAMLMapper.builder()
            .addModule(types)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .build();
  }

  /** Reads {@code file} over the defaults and binds it to {@code type}. */
  public <T> T load(Path file, Class<T> type) {
    return bind(resolve(file), type);
  }

  /**
   * The merged tree: defaults, the file over them, templates applied; {@code templates} removed.
   */
  public ObjectNode resolve(Path file) {
    ObjectNode defaults = readDefaults();
    ObjectNode user = read(file);
    ObjectNode templates = (ObjectNode) defaults.remove("templates");
    ObjectNode merged = merge(defaults, user);
    applyTemplates(merged, templates);
    return merged;
  }

  public <T> T bind(JsonNode tree, Class<T> type) {
    try {
      return yaml.treeToValue(tree, type);
    } catch (JsonMappingException e) {
      throw new ConfigException(describe(e), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(e.getOriginalMessage(), e);
    }
  }

  /** A subtree bound to a type, e.g. one element's section. */
  public <T> T bind(JsonNode tree, String path, Class<T> type) {
    try {
      return yaml.treeToValue(tree, type);
    } catch (JsonMappingException e) {
      throw new ConfigException(path + "." + describe(e), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(path + ": " + e.getOriginalMessage(), e);
    }
  }

  private ObjectNode readDefaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new ConfigException("built-in defaults " + DEFAULTS + " are missing from the jar");
      }
      return (ObjectNode) yaml.readTree(in);
    } catch (IOException e) {
      throw new ConfigException("cannot read built-in defaults: " + e.getMessage(), e);
    }
  }

  private ObjectNode read(Path file) {
    try {
      JsonNode node = yaml.readTree(Files.readString(file));
      if (node == null || node.isMissingNode() || node.isNull()) {
        return yaml.createObjectNode();
      }
      if (!node.isObject()) {
        throw new ConfigException(file + ": the top level must be a mapping of keys");
      }
      return (ObjectNode) node;
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          file
              + ": not valid YAML at line "
              + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** {@code over} laid on {@code base}: mappings merge key by key, anything else replaces. */
  static ObjectNode merge(ObjectNode base, ObjectNode over) {
    ObjectNode out = base.deepCopy();
    for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode existing = out.get(e.getKey());
      if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode vo) {
        out.set(e.getKey(), merge(eo, vo));
      } else {
        out.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return out;
  }

  private static void applyTemplates(ObjectNode root, ObjectNode templates) {
    if (templates == null) {
      return;
    }
    TEMPLATED_SECTIONS.forEach(
        (section, template) -> {
          if (root.get(section) instanceof ObjectNode node
              && templates.get(template) instanceof ObjectNode t) {
            root.set(section, merge(t, node));
          }
        });
    if (root.get("sbcs") instanceof ObjectNode sbcs
        && templates.get("sbc") instanceof ObjectNode t) {
      sbcs.fieldNames()
          .forEachRemaining(
              name -> {
                if (sbcs.get(name) instanceof ObjectNode sbc) {
                  sbcs.set(name, merge(t, sbc));
                }
              });
    }
    if (root.get("endpoints") instanceof ArrayNode endpoints
        && templates.get("endpoint") instanceof ObjectNode t) {
      for (int i = 0; i < endpoints.size(); i++) {
        if (endpoints.get(i) instanceof ObjectNode ep) {
          endpoints.set(i, merge(t, ep));
        }
      }
    }
    if (templates.get("sip") instanceof ObjectNode sip) {
      laySipDefaults(root, sip);
    }
  }

  /** Lays {@code templates.sip} under every {@code sip:} mapping anywhere in the tree. */
  private static void laySipDefaults(JsonNode node, ObjectNode sipDefaults) {
    if (node instanceof ObjectNode obj) {
      for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("sip") && e.getValue() instanceof ObjectNode sip) {
          e.setValue(merge(sipDefaults, sip));
        } else {
          laySipDefaults(e.getValue(), sipDefaults);
        }
      }
    } else if (node instanceof ArrayNode arr) {
      arr.forEach(child -> laySipDefaults(child, sipDefaults));
    }
  }

  private static final java.util.regex.Pattern KEYED =
      java.util.regex.Pattern.compile("^[\\w.\\[\\]-]+: .*", java.util.regex.Pattern.DOTALL);

  /**
   * One message naming the full key: Jackson knows where in the tree the failing record sits
   * ({@code sbcs.sbc-edge}), the record's own check knows which of its keys is wrong ({@code
   * media.ports: ...}); together {@code sbcs.sbc-edge.media.ports: ...}.
   */
  static String describe(JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    boolean fromCheck =
        root instanceof IllegalArgumentException || root instanceof NullPointerException;
    String why =
        fromCheck && root.getMessage() != null ? root.getMessage() : e.getOriginalMessage();
    if (why != null && why.startsWith("Unrecognized field")) {
      why = "unknown key";
    }
    if (path.isEmpty()) {
      return why;
    }
    if (why != null && KEYED.matcher(why).matches()) {
      String top = path.split("[.\\[]", 2)[0];
      return why.startsWith(top + ".") || why.startsWith(top + ":") ? why : join(path, why);
    }
    return path + ": " + why;
  }

  /**
   * {@code path} and a message naming a key below it, without saying a key twice: where the
   * record's check names keys the path already ends with ({@code sbcs.edge.transfer} and {@code
   * transfer.callerId: ...}), they overlap ({@code sbcs.edge.transfer.callerId: ...}).
   */
  static String join(String path, String keyed) {
    String key = keyed.substring(0, keyed.indexOf(':'));
    List<String> segments = List.of(key.split("\\."));
    for (int k = segments.size(); k >= 1; k--) {
      String head = String.join(".", segments.subList(0, k));
      if (path.equals(head) || path.endsWith("." + head)) {
        return path.substring(0, path.length() - head.length()) + keyed;
      }
    }
    return path + "." + keyed;
  }

  /** Deserialises a value written as text with a parser that throws IllegalArgumentException. */
  private static final class FromText<T> extends JsonDeserializer<T> {
    private final java.util.function.Function<String, T> parse;
    private final String what;

    FromText(java.util.function.Function<String, T> parse, String what) {
      this.parse = parse;
      this.what = what;
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      if (text == null) {
        throw JsonMappingException.from(p, "expected a " + what + " written as text");
      }
      try {
        return parse.apply(text);
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(p, e.getMessage(), e);
      }
    }
  }
}
