package io.baton.transfer;

import io.baton.registry.Call;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.sip.CapturedMessage;
import io.baton.sip.LimitCounters;
import io.baton.sip.SipCapture;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Baton's Prometheus metrics, served as text at {@code GET /metrics}: calls and legs as the call
 * registry shows them, transfers as they end, SIP messages as this process captures them, the RTP
 * relays' ports, and the JVM. One registry per transfer server; in the lab every element runs in
 * its process, so its SIP counters and relay gauges cover the whole network.
 */
public final class Metrics implements CallWatch.Observer, SipCapture.Listener, AutoCloseable {
  /** Buckets for call setup (INVITE to answer, the destination's ring time included). */
  private static final double[] SETUP_BUCKETS = {
    0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120
  };

  /** Buckets for a transfer, request to its final state (a target's ring time included). */
  private static final double[] TRANSFER_BUCKETS = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 300};

  /** How long an ended call is remembered, so its last legs' releases count it only once. */
  private static final Duration REMEMBER_ENDED = Duration.ofMinutes(2);

  private static final int PRUNE_AT = 10_000;

  /** A live call as last seen: whether it was answered, and its live legs' elements. */
  private record Live(boolean answered, Map<String, Integer> legsByElement) {}

  private final Clock clock;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Map<String, Live> live = new ConcurrentHashMap<>();
  private final Map<String, Instant> ended = new ConcurrentHashMap<>();
  private final Map<String, IntSupplier> relays = new ConcurrentHashMap<>();
  private final Map<String, Supplier<LimitCounters>> limits = new ConcurrentHashMap<>();
  private final Counter calls;
  private final Histogram setup;
  private final Counter transfers;
  private final Histogram transferTime;
  private final Counter sipMessages;

  Metrics(Clock clock) {
    this.clock = clock;
    calls =
        Counter.builder()
            .name("baton_calls_total")
            .help("Calls that ended, by outcome (answered, failed)")
            .labelNames("outcome")
            .register(registry);
    setup =
        Histogram.builder()
            .name("baton_call_setup_seconds")
            .help("From the caller's INVITE at SBC-edge to the call's answer")
            .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(SETUP_BUCKETS)
            .register(registry);
    transfers =
        Counter.builder()
            .name("baton_transfers_total")
            .help("Transfers that reached a final state, by that state")
            .labelNames("outcome")
            .register(registry);
    transferTime =
        Histogram.builder()
            .name("baton_transfer_duration_seconds")
            .help("From a transfer's request to its final state, by that state")
            .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
            .labelNames("outcome")
            .classicOnly()
            .classicUpperBounds(TRANSFER_BUCKETS)
            .register(registry);
    sipMessages =
        Counter.builder()
            .name("baton_sip_messages_total")
            .help(
                "SIP messages sent and received by this process's elements, by element, direction,"
                    + " method (the CSeq method of a response) and status (0 for a request)")
            .labelNames("element", "direction", "method", "status")
            .register(registry);
    GaugeWithCallback.builder()
        .name("baton_calls_active")
        .help("Calls not yet ended")
        .callback(cb -> cb.call(live.size()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("baton_legs_active")
        .help("Legs not yet released or failed, by the element that opened them")
        .labelNames("element")
        .callback(cb -> legsByElement().forEach((element, n) -> cb.call(n, element)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("baton_relay_ports_in_use")
        .help("RTP ports held by each media-anchoring SBC's relay")
        .labelNames("element")
        .callback(cb -> relays.forEach((element, ports) -> cb.call(ports.getAsInt(), element)))
        .register(registry);
    CounterWithCallback.builder()
        .name("baton_sip_refused_total")
        .help(
            "What an SBC's SIP limits refused (docs/security.md \"Every limit\"), by element and"
                + " what: connections (reset when accepted), oversized_streams, idle_connections,"
                + " read_timeouts, oversized_datagrams, bans, dropped_while_banned")
        .labelNames("element", "what")
        .callback(
            cb ->
                limits.forEach(
                    (element, counters) -> {
                      LimitCounters c = counters.get();
                      cb.call(c.refusedConnections(), element, "connections");
                      cb.call(c.oversizedStreams(), element, "oversized_streams");
                      cb.call(c.idleConnections(), element, "idle_connections");
                      cb.call(c.readTimeouts(), element, "read_timeouts");
                      cb.call(c.oversizedDatagrams(), element, "oversized_datagrams");
                      cb.call(c.bans(), element, "bans");
                      cb.call(c.droppedWhileBanned(), element, "dropped_while_banned");
                    }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("baton_sip_tcp_connections")
        .help("TCP connections each SBC holds open now")
        .labelNames("element")
        .callback(cb -> limits.forEach((element, c) -> cb.call(c.get().openConnections(), element)))
        .register(registry);
    JvmMetrics.builder().register(registry);
  }

  /** Starts counting the SIP messages of this process. */
  void start() {
    SipCapture.addListener(this);
  }

  /** Reports {@code element}'s relay ports in use at every scrape. */
  public void relayPorts(String element, IntSupplier portsInUse) {
    relays.put(element, portsInUse);
  }

  /**
   * Reports what {@code element}'s SIP limits refused, and its open connections, at every scrape.
   */
  public void sipLimits(String element, Supplier<LimitCounters> counters) {
    limits.put(element, counters);
  }

  @Override
  public void onMessage(CapturedMessage m) {
    sipMessages
        .labelValues(m.element(), m.sent() ? "out" : "in", m.method(), Integer.toString(m.status()))
        .inc();
  }

  @Override
  public void changed(String callId, Call call) {
    if (call == null) {
      live.remove(callId);
      return;
    }
    if (call.ended()) {
      Live last = live.remove(callId);
      if (ended.putIfAbsent(callId, clock.instant()) == null) {
        boolean answered =
            (last != null && last.answered())
                || call.callerLeg().map(l -> l.state() == LegState.RELEASED).orElse(false);
        calls.labelValues(answered ? "answered" : "failed").inc();
        pruneEnded();
      }
      return;
    }
    boolean answered = LegState.ACTIVE.wire().equals(call.state());
    Live last = live.get(callId);
    if (answered && (last == null || !last.answered())) {
      setup.observe(seconds(Duration.between(call.startedAt(), clock.instant())));
    }
    Map<String, Integer> legs = new HashMap<>();
    for (Leg leg : call.liveLegs()) {
      legs.merge(leg.element(), 1, Integer::sum);
    }
    live.put(callId, new Live(answered || (last != null && last.answered()), legs));
  }

  /** A transfer reached its final state {@code outcome} {@code took} after its request. */
  void transferEnded(String outcome, Duration took) {
    transfers.labelValues(outcome).inc();
    transferTime.labelValues(outcome).observe(seconds(took));
  }

  private Map<String, Integer> legsByElement() {
    Map<String, Integer> out = new HashMap<>();
    for (Live call : live.values()) {
      call.legsByElement().forEach((element, n) -> out.merge(element, n, Integer::sum));
    }
    return out;
  }

  private void pruneEnded() {
    if (ended.size() > PRUNE_AT) {
      Instant cutoff = clock.instant().minus(REMEMBER_ENDED);
      ended.values().removeIf(at -> at.isBefore(cutoff));
    }
  }

  private static double seconds(Duration d) {
    return Math.max(0, d.toNanos() / 1e9);
  }

  /** The Prometheus text format (version 0.0.4) content type. */
  String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }

  /** Every metric, in the Prometheus text format. */
  void scrape(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }

  @Override
  public void close() {
    SipCapture.removeListener(this);
  }
}
