package io.baton.app;

import io.baton.app.config.BatonConfig;
import io.baton.app.config.ConfigException;
import io.baton.app.config.RegistryConfig;
import io.baton.callcenter.CallCenter;
import io.baton.media.PortPool;
import io.baton.proxy.ProxyServer;
import io.baton.redirect.RedirectServer;
import io.baton.registry.CallRegistry;
import io.baton.registry.InMemoryCallRegistry;
import io.baton.registry.RedisCallRegistry;
import io.baton.routing.Numbers;
import io.baton.sbc.Role;
import io.baton.sbc.Sbc;
import io.baton.sip.HepExporter;
import io.baton.sip.PeerNames;
import io.baton.store.Database;
import io.baton.store.SecretCipher;
import io.baton.store.Seeder;
import io.baton.transfer.TransferServer;
import io.baton.ua.UserAgent;
import io.baton.ua.UserAgentConfig;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sip.SipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The elements one Baton process runs, started far end first (so every element finds its next hop
 * listening) and stopped in reverse. {@code baton lab} runs every element of the configuration;
 * {@code baton run <element>} runs one. The shared services an element needs (database, registry)
 * are opened only if some selected element needs them.
 */
public final class Node implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final BatonConfig config;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final List<AutoCloseable> started = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, Object> elements = new LinkedHashMap<>();
  private Database database;
  private CallRegistry registry;
  private PortPool endpointPorts;
  private HepExporter hep;

  private Node(BatonConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    ScheduledThreadPoolExecutor timers =
        new ScheduledThreadPoolExecutor(
            4, Thread.ofPlatform().name("baton-timer-", 0).daemon().factory());
    // Calls cancel most of their timers (an ACK came, the call ended): drop those at once, or a
    // busy node keeps thousands of dead tasks, each holding its call, until they would have run.
    timers.setRemoveOnCancelPolicy(true);
    this.scheduler = timers;
  }

  /**
   * Starts the selected elements.
   *
   * @param only element names to run; empty runs every element of the configuration
   * @throws ConfigException if a name is not an element of the configuration
   */
  public static Node start(BatonConfig config, Set<String> only, Clock clock) {
    List<String> all = config.elements();
    for (String name : only) {
      if (!all.contains(name)) {
        throw new ConfigException(
            "no element '" + name + "' in the configuration; it defines " + all);
      }
    }
    Node node = new Node(config, clock);
    boolean up = false;
    try {
      node.exportCapture();
      for (String name : all) {
        if (only.isEmpty() || only.contains(name)) {
          node.startElement(name);
        }
      }
      node.reportRelays();
      up = true;
      return node;
    } catch (RuntimeException | SipException e) {
      if (e instanceof IllegalArgumentException bad) {
        throw new ConfigException(bad.getMessage(), bad); // a setting read at start, e.g. a key
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new ConfigException(e.getMessage(), e);
    } finally {
      if (!up) {
        // Whatever failed (an Error too, e.g. a class missing from the classpath), the elements
        // already started release their ports and threads: a failed start leaves no process behind.
        node.close();
      }
    }
  }

  private void startElement(String name) throws SipException {
    PeerNames peers = new PeerNames(config.network());
    Object element;
    if (name.equals("redirect")) {
      element =
          RedirectServer.start(name, config.redirect(), database(), registry(), clock, scheduler);
    } else if (name.equals("proxy")) {
      element = ProxyServer.start(name, config.proxy(), registry(), peers, clock, scheduler);
    } else if (name.equals("transfer")) {
      element =
          TransferServer.start(
              name,
              config.transfer(),
              registry(),
              database(),
              new Numbers(regionForNumbers()),
              config.network(),
              clock,
              scheduler);
    } else if (name.equals("callcenter")) {
      element = CallCenter.start(name, config.callcenter(), scheduler, clock);
    } else if (config.sbcs().containsKey(name)) {
      element = Sbc.start(name, config.sbcs().get(name), registry(), peers, clock, scheduler);
    } else {
      UserAgentConfig ua =
          config.endpoints().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
      element = UserAgent.start(ua, endpointPorts(), scheduler, clock);
    }
    elements.put(name, element);
    started.add((AutoCloseable) element);
  }

  /** Starts the HEP export of every SIP message this process captures, if configured. */
  private void exportCapture() {
    if (config.hep() != null) {
      try {
        hep = HepExporter.start(config.hep());
      } catch (IOException e) {
        throw new ConfigException("hep.collector: cannot send to " + config.hep().collector(), e);
      }
    }
  }

  /** The transfer server's metrics report the relay ports and SIP limits of this process's SBCs. */
  private void reportRelays() {
    if (!(elements.get("transfer") instanceof TransferServer transfer)) {
      return;
    }
    for (Object element : elements.values()) {
      if (element instanceof Sbc sbc) {
        transfer.metrics().sipLimits(sbc.name(), sbc::limitCounters);
        if (sbc.relay() != null) {
          transfer.metrics().relayPorts(sbc.name(), sbc.relay()::portsInUse);
        }
      }
    }
  }

  private String regionForNumbers() {
    return config.redirect() != null ? config.redirect().defaultRegion() : "US";
  }

  private Database database() {
    if (database == null) {
      database = Database.open(config.database());
      if (config.seed() != null) {
        int changed = Seeder.apply(database, config.seed(), this::secrets);
        LOG.info("seed data applied ({} rows written)", changed);
      }
    }
    return database;
  }

  /** What seals the seed's webhook secrets: the transfer server's master key. */
  private SecretCipher secrets() {
    if (config.transfer() == null) {
      throw new ConfigException(
          "seed: a tenant's webhook secret is sealed with transfer.secrets, and there is no"
              + " transfer: section");
    }
    try {
      return config.transfer().secrets().cipher();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  private CallRegistry registry() {
    if (registry == null) {
      RegistryConfig rc = config.registry();
      registry =
          switch (rc.kind()) {
            case MEMORY -> new InMemoryCallRegistry(clock, rc.retainEnded());
            case REDIS ->
                new RedisCallRegistry(rc.redisUrl(), rc.redisPrefix(), clock, rc.retainEnded());
          };
    }
    return registry;
  }

  private PortPool endpointPorts() {
    if (endpointPorts == null) {
      endpointPorts = config.endpointMedia().pool();
    }
    return endpointPorts;
  }

  public BatonConfig config() {
    return config;
  }

  /** The shared call registry, if a running element uses one. */
  public Optional<CallRegistry> callRegistry() {
    return Optional.ofNullable(registry);
  }

  /** Tasks waiting on the shared timer threads: the periodic ones and every armed call timer. */
  public int scheduledTasks() {
    return ((ScheduledThreadPoolExecutor) scheduler).getQueue().size();
  }

  public List<String> running() {
    return List.copyOf(elements.keySet());
  }

  /** A running element by name, e.g. {@code element("sbc-edge", Sbc.class)}. */
  public <T> T element(String name, Class<T> type) {
    Object e = elements.get(name);
    if (!type.isInstance(e)) {
      throw new IllegalArgumentException("no running " + type.getSimpleName() + " named " + name);
    }
    return type.cast(e);
  }

  /** The edge SBC's name (where callers dial in), if one runs here. */
  public Optional<String> edgeName() {
    return config.sbcs().entrySet().stream()
        .filter(e -> e.getValue().role() == Role.EDGE && elements.containsKey(e.getKey()))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  @Override
  public void close() {
    // Elements stop in parallel (each SIP stack takes about a second to wind down), then the
    // shared services they used.
    List<Thread> stopping = new java.util.ArrayList<>();
    for (AutoCloseable element : started) {
      stopping.add(Thread.ofVirtual().start(() -> stop(element)));
    }
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (hep != null) {
      stop(hep);
    }
    if (registry != null) {
      stop(registry);
    }
    if (database != null) {
      stop(database);
    }
    started.clear();
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void stop(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("stopping {} failed: {}", c, e.toString());
    }
  }
}
