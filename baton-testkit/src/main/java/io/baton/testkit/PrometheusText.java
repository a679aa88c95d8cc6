package io.baton.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus' text exposition format 0.0.4, for tests of {@code /metrics}: every
 * line is a {@code # HELP}, a {@code # TYPE} (at most once per family, before its samples, of a
 * known type) or a sample {@code name{label="value",...} value}; names and label names are legal;
 * label values use only the {@code \\ \" \n} escapes; a family's samples are contiguous; no series
 * appears twice; a histogram's buckets are cumulative, end with {@code le="+Inf"} and that bucket
 * equals {@code _count}; a counter's samples end in {@code _total} (or {@code _created}).
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)( -?[0-9]+)?");

  private final Map<String, Double> series = new LinkedHashMap<>();
  private final Map<String, String> types = new HashMap<>();

  private PrometheusText() {}

  /**
   * Reads a whole exposition.
   *
   * @throws IllegalArgumentException naming the first line that breaks a rule
   */
  public static PrometheusText parse(String text) {
    PrometheusText out = new PrometheusText();
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the last line does not end with \\n");
    }
    Set<String> helped = new HashSet<>();
    Set<String> finished = new HashSet<>();
    String current = null;
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ", 4);
        check(parts.length >= 3 && NAME.matcher(parts[2]).matches(), n, "bad metric name", line);
        String family = parts[2];
        check(
            !finished.contains(family) && !family.equals(current) || line.startsWith("# HELP"),
            n,
            "TYPE after the family's samples",
            line);
        if (line.startsWith("# TYPE ")) {
          check(parts.length == 4 && TYPES.contains(parts[3]), n, "unknown type", line);
          check(out.types.put(family, parts[3]) == null, n, "TYPE given twice", line);
        } else {
          check(helped.add(family), n, "HELP given twice", line);
        }
        continue;
      }
      check(!line.startsWith("#") || line.startsWith("# "), n, "bad comment", line);
      if (line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      check(m.matches(), n, "not a sample line", line);
      String name = m.group(1);
      String family = out.familyOf(name);
      if (!family.equals(current)) {
        check(!finished.contains(family), n, "family " + family + " is not contiguous", line);
        if (current != null) {
          finished.add(current);
        }
        current = family;
      }
      Map<String, String> labels =
          new TreeMap<>(labels(m.group(3) == null ? "" : m.group(3), n, line));
      double value = value(m.group(4), n, line);
      String key = name + labels;
      check(out.series.put(key, value) == null, n, "series given twice", line);
      if ("counter".equals(out.types.get(family))) {
        check(name.endsWith("_total") || name.endsWith("_created"), n, "counter sample", line);
      }
    }
    out.checkHistograms();
    return out;
  }

  /** The family a sample belongs to: its name less a suffix its family's type gives it. */
  private String familyOf(String name) {
    for (String suffix : List.of("_total", "_created", "_bucket", "_count", "_sum")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        if (types.containsKey(base)) {
          return base;
        }
      }
    }
    return name;
  }

  private static Map<String, String> labels(String text, int n, String line) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    while (i < text.length()) {
      int eq = text.indexOf('=', i);
      check(eq > i, n, "bad label", line);
      String name = text.substring(i, eq);
      check(LABEL.matcher(name).matches(), n, "bad label name " + name, line);
      check(eq + 1 < text.length() && text.charAt(eq + 1) == '"', n, "unquoted label", line);
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      for (; j < text.length() && text.charAt(j) != '"'; j++) {
        char c = text.charAt(j);
        if (c == '\\') {
          check(j + 1 < text.length(), n, "dangling escape", line);
          char e = text.charAt(++j);
          check(e == '\\' || e == '"' || e == 'n', n, "bad escape \\" + e, line);
          value.append(e == 'n' ? '\n' : e);
        } else {
          value.append(c);
        }
      }
      check(j < text.length(), n, "unterminated label value", line);
      check(out.put(name, value.toString()) == null, n, "label given twice", line);
      i = j + 1;
      if (i < text.length()) {
        check(text.charAt(i) == ',', n, "labels not separated by commas", line);
        i++;
      }
    }
    return out;
  }

  private static double value(String text, int n, String line) {
    switch (text) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      case "NaN":
        return Double.NaN;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("line " + n + ": bad value: " + line, e);
        }
    }
  }

  private void checkHistograms() {
    for (Map.Entry<String, String> t : types.entrySet()) {
      if (!t.getValue().equals("histogram")) {
        continue;
      }
      Map<String, List<Double>> buckets = new LinkedHashMap<>();
      for (Map.Entry<String, Double> s : series.entrySet()) {
        if (s.getKey().startsWith(t.getKey() + "_bucket{")) {
          String others = s.getKey().replaceAll("le=[^,}]*,? ?", "").replace(", }", "}");
          buckets.computeIfAbsent(others, k -> new ArrayList<>()).add(s.getValue());
          if (s.getKey().contains("le=+Inf")) {
            String count = others.replace(t.getKey() + "_bucket", t.getKey() + "_count");
            Double total = series.get(count);
            if (total == null || total.doubleValue() != s.getValue().doubleValue()) {
              throw new IllegalArgumentException(
                  t.getKey() + ": +Inf bucket " + s.getValue() + " is not _count " + total);
            }
          }
        }
      }
      for (List<Double> counts : buckets.values()) {
        for (int i = 1; i < counts.size(); i++) {
          if (counts.get(i) < counts.get(i - 1)) {
            throw new IllegalArgumentException(t.getKey() + ": buckets are not cumulative");
          }
        }
      }
    }
  }

  private static void check(boolean ok, int n, String problem, String line) {
    if (!ok) {
      throw new IllegalArgumentException("line " + n + ": " + problem + ": " + line);
    }
  }

  /** The value of the series {@code name} with exactly these label name, value pairs; 0 if none. */
  public double value(String name, String... labelPairs) {
    Map<String, String> labels = new TreeMap<>();
    for (int i = 0; i + 1 < labelPairs.length; i += 2) {
      labels.put(labelPairs[i], labelPairs[i + 1]);
    }
    Double v = series.get(name + labels);
    return v == null ? 0 : v;
  }

  /** Sum of every series of {@code name}, whatever its labels. */
  public double sum(String name) {
    return series.entrySet().stream()
        .filter(e -> e.getKey().equals(name + "{}") || e.getKey().startsWith(name + "{"))
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }

  /** The names of every sample, labels aside. */
  public Set<String> names() {
    Set<String> out = new HashSet<>();
    series.keySet().forEach(k -> out.add(k.substring(0, k.indexOf('{'))));
    return out;
  }

  /** The declared type of a family. */
  public String type(String family) {
    return types.get(family);
  }
}
