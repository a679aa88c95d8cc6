package io.baton.contract;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * A secret named in the configuration without being written there: {@code env:NAME} (an environment
 * variable), {@code file:PATH} (a file's content, a final line break dropped), or the value itself
 * (for the lab). Shared by every element that reads a secret from its configuration. Read when the
 * element starts, not when the configuration is loaded, so commands that do not need the secret
 * ({@code baton check}, {@code baton agent}) run without it. Problems name the YAML key and never
 * quote the secret.
 */
public final class SecretRef {
  private static final String ENV = "env:";
  private static final String FILE = "file:";

  private SecretRef() {}

  /** Checks the form of {@code ref} (what can be checked without reading it). */
  public static void check(String key, String ref) {
    if (ref == null || ref.isBlank()) {
      throw new IllegalArgumentException(key + ": missing");
    }
    if ((ref.startsWith(ENV) || ref.startsWith(FILE)) && ref.indexOf(':') == ref.length() - 1) {
      throw new IllegalArgumentException(key + ": '" + ref + "' names no variable or file");
    }
  }

  /** Whether {@code ref} names where the secret is rather than being it. */
  public static boolean isIndirect(String ref) {
    return ref != null && (ref.startsWith(ENV) || ref.startsWith(FILE));
  }

  /** The secret's bytes, read from the process environment or the file system. */
  public static byte[] resolve(String key, String ref) {
    return resolve(key, ref, System::getenv);
  }

  /** The secret's bytes, environment variables read through {@code env}. */
  public static byte[] resolve(String key, String ref, UnaryOperator<String> env) {
    check(key, ref);
    if (ref.startsWith(ENV)) {
      String name = ref.substring(ENV.length());
      String value = env.apply(name);
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException(key + ": environment variable " + name + " is not set");
      }
      return value.getBytes(StandardCharsets.UTF_8);
    }
    if (ref.startsWith(FILE)) {
      Path file = Path.of(ref.substring(FILE.length()));
      try {
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
          end--;
        }
        return Arrays.copyOf(bytes, end);
      } catch (IOException e) {
        throw new IllegalArgumentException(key + ": cannot read " + file + " (" + e + ")");
      }
    }
    return ref.getBytes(StandardCharsets.UTF_8);
  }

  /** What a configuration record's {@code toString} shows instead of a secret. */
  public static String redacted(String ref) {
    return ref == null ? "null" : isIndirect(ref) ? ref : "***";
  }
}
