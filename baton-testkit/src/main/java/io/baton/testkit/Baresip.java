package io.baton.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real softphone in the loop: Debian's baresip, run headless from a generated configuration
 * directory ({@link SoftphoneConfig}) and steered through its ctrl_tcp module (JSON commands and
 * events in netstrings): dial, send DTMF (RFC 4733 telephone-events, baresip's default), hang up.
 * Its microphone is a WAV file; what it hears is recorded to a WAV file. Every wait is bounded, and
 * {@link #close()} always ends the process.
 */
public final class Baresip implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Baresip.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long baresip may take to open its control port. */
  private static final Duration START = Duration.ofSeconds(10);

  private static final String LOG_FILE = "baresip.log";

  /**
   * baresip quits by itself after this long ({@code -t}), even if the JVM that started it died
   * without {@link #close()}: nothing is left holding its ports.
   */
  private static final Duration LIFETIME = Duration.ofMinutes(3);

  /** How long a command may take to be answered. */
  private static final Duration COMMAND = Duration.ofSeconds(5);

  private final Process process;
  private final Path log;
  private final Path dir;
  private final Socket control;
  private final OutputStream commands;
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();
  private final Map<String, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
  private final AtomicInteger tokens = new AtomicInteger();
  private final Thread killOnExit;

  private Baresip(Process process, Path dir, Socket control) throws IOException {
    this.process = process;
    this.dir = dir;
    this.log = dir.resolve(LOG_FILE);
    this.control = control;
    this.commands = control.getOutputStream();
    this.killOnExit = new Thread(process::destroyForcibly, "baresip-kill");
    Runtime.getRuntime().addShutdownHook(killOnExit);
    InputStream in = new BufferedInputStream(control.getInputStream());
    Thread.ofVirtual().name("baresip-ctrl").start(() -> readMessages(in));
  }

  /** True if a {@code baresip} executable is on the PATH. */
  public static boolean available() {
    return Executables.onPath("baresip").isPresent();
  }

  /** Skips the calling test unless baresip is installed. */
  public static void assumeAvailable() {
    Assumptions.assumeTrue(available(), "baresip not on PATH: apt-get install baresip");
  }

  /**
   * Writes {@code config}'s files into {@code dir} (created if needed), starts baresip there and
   * connects to its control port.
   *
   * @throws IOException if baresip cannot start or its control port does not open within 10 s
   */
  public static Baresip start(Path dir, SoftphoneConfig config)
      throws IOException, InterruptedException {
    Path baresip =
        Executables.onPath("baresip")
            .orElseThrow(() -> new IllegalStateException("baresip not on PATH"));
    Files.createDirectories(dir);
    Files.createDirectories(dir.resolve(SoftphoneConfig.RECORDINGS));
    Files.writeString(dir.resolve("config"), config.config());
    Files.writeString(dir.resolve("accounts"), config.accounts());
    Path log = dir.resolve(LOG_FILE);
    Process process =
        new ProcessBuilder(
                baresip.toString(),
                "-f",
                dir.toAbsolutePath().toString(),
                "-t",
                Long.toString(LIFETIME.toSeconds()))
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    LOG.info("baresip started in {} (pid {})", dir, process.pid());
    try {
      return new Baresip(process, dir, connect(process, config.controlPort(), log));
    } catch (IOException | RuntimeException e) {
      stop(process);
      throw e;
    }
  }

  private static Socket connect(Process process, int port, Path log)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(START);
    while (true) {
      if (!process.isAlive()) {
        throw new IOException("baresip exited with " + process.exitValue() + ": " + tail(log));
      }
      try {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return socket;
      } catch (IOException e) {
        if (Instant.now().isAfter(deadline)) {
          throw new IOException(
              "baresip's control port " + port + " did not open within " + START + ": " + tail(log),
              e);
        }
        Thread.sleep(100);
      }
    }
  }

  /** Places a call to {@code uri}, e.g. {@code sip:+18005550100@127.0.0.1:5060}. */
  public void dial(String uri) throws IOException, TimeoutException, InterruptedException {
    command("dial", uri);
  }

  /** Sends a DTMF digit on the call: an RFC 4733 telephone-event, as baresip does by default. */
  public void sendDtmf(char digit) throws IOException, TimeoutException, InterruptedException {
    command("sndcode", String.valueOf(digit));
  }

  /** Hangs up the current call. */
  public void hangUp() throws IOException, TimeoutException, InterruptedException {
    command("hangup", "");
  }

  /**
   * Waits for the first event of {@code type} (e.g. {@code CALL_ESTABLISHED}, {@code CALL_CLOSED}).
   *
   * @throws TimeoutException naming the events seen, if none came within {@code timeout}
   */
  public JsonNode awaitEvent(String type, Duration timeout)
      throws TimeoutException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      Optional<JsonNode> event = event(type);
      if (event.isPresent()) {
        return event.get();
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    throw new TimeoutException(
        "baresip: no " + type + " within " + timeout + "; events: " + eventTypes());
  }

  /** The first event of {@code type} so far. */
  public Optional<JsonNode> event(String type) {
    return events.stream().filter(e -> type.equals(e.path("type").asText())).findFirst();
  }

  /** The types of the events so far, in order. */
  public List<String> eventTypes() {
    return events.stream().map(e -> e.path("type").asText()).toList();
  }

  /**
   * What baresip decoded from the call (what its user would hear), recorded by module sndfile; the
   * file is complete once the call is closed.
   *
   * @throws IOException if there is no recording (the call never had audio)
   */
  public Path heardAudio() throws IOException {
    Path recordings = dir.resolve(SoftphoneConfig.RECORDINGS);
    try (var files = Files.list(recordings)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith("-dec.wav"))
          .findFirst()
          .orElseThrow(() -> new IOException("no recording in " + recordings + ": " + tail(log)));
    }
  }

  /** baresip's output so far. */
  public Path log() {
    return log;
  }

  private void command(String command, String params)
      throws IOException, TimeoutException, InterruptedException {
    String token = Integer.toString(tokens.incrementAndGet());
    ObjectNode message = JSON.createObjectNode();
    message.put("command", command).put("params", params).put("token", token);
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    replies.put(token, reply);
    byte[] json = JSON.writeValueAsBytes(message);
    synchronized (commands) {
      // A netstring (the framing ctrl_tcp speaks): "<length>:<bytes>,".
      commands.write((json.length + ":").getBytes(StandardCharsets.US_ASCII));
      commands.write(json);
      commands.write(',');
      commands.flush();
    }
    JsonNode answer;
    try {
      answer = reply.get(COMMAND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException("baresip: " + command + ": " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new TimeoutException("baresip did not answer '" + command + "' within " + COMMAND);
    } finally {
      replies.remove(token);
    }
    if (!answer.path("ok").asBoolean()) {
      throw new IOException("baresip refused '" + command + " " + params + "': " + answer);
    }
  }

  private void readMessages(InputStream in) {
    try {
      while (true) {
        JsonNode message = JSON.readTree(readNetstring(in));
        if (message.path("event").asBoolean()) {
          LOG.debug("baresip event {}", message);
          events.add(message);
        } else if (message.path("response").asBoolean()) {
          CompletableFuture<JsonNode> reply = replies.get(message.path("token").asText());
          if (reply != null) {
            reply.complete(message);
          }
        }
      }
    } catch (IOException e) {
      replies.values().forEach(r -> r.completeExceptionally(e));
    }
  }

  private static byte[] readNetstring(InputStream in) throws IOException {
    int length = 0;
    for (int c = in.read(); c != ':'; c = in.read()) {
      if (c < '0' || c > '9' || length > 1_000_000) {
        throw new IOException(c < 0 ? "control connection closed" : "not a netstring");
      }
      length = length * 10 + (c - '0');
    }
    byte[] body = in.readNBytes(length);
    if (body.length < length || in.read() != ',') {
      throw new IOException("truncated netstring");
    }
    return body;
  }

  /** Ends baresip (asks it to quit, then kills it) and waits until it has exited. */
  @Override
  public void close() {
    try {
      command("quit", "");
    } catch (IOException | TimeoutException | RuntimeException e) {
      // already gone, or deaf: killed below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      control.close();
    } catch (IOException e) {
      // closing
    }
    stop(process);
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook kills what is left
    }
  }

  private static void stop(Process process) {
    try {
      if (!process.waitFor(3, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(2, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    LOG.info("baresip (pid {}) stopped", process.pid());
  }

  private static String tail(Path log) {
    try {
      String text = Files.readString(log, StandardCharsets.ISO_8859_1);
      return text.substring(Math.max(0, text.length() - 2000));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The last lines of baresip's output, for failure messages. */
  public String logTail() {
    return tail(log);
  }
}
