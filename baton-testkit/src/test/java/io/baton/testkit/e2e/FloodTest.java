package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.sip.HostPort;
import io.baton.sip.LimitCounters;
import io.baton.sip.wire.SipWire;
import io.baton.testkit.PrometheusText;
import io.baton.ua.UaCall;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 4 end to end: while one source (127.0.0.2) floods SBC-edge with OPTIONS, INVITEs
 * and junk over UDP and with connections and endless header lines over TCP, calls and transfers
 * from the lab's caller (127.0.0.1) still complete; afterwards SBC-edge holds no connection, no
 * source and no connection thread more than before.
 */
class FloodTest extends LabTest {
  private static final HostPort EDGE_AT = HostPort.parse(EDGE);
  private static final String FLOODER = "127.0.0.2";
  private static final int CALLS = 20;
  private static final int TRANSFER_EVERY = 4;

  /** Floods until stopped, at most {@code maxDatagrams}; counts what it sent. */
  private static final class Flood implements AutoCloseable {
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong datagrams = new AtomicLong();
    final AtomicLong connections = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

    Flood(int maxDatagrams) {
      threads.add(Thread.ofPlatform().name("flood-udp").start(() -> udp(maxDatagrams)));
      threads.add(Thread.ofPlatform().name("flood-tcp").start(this::tcp));
    }

    /**
     * OPTIONS, cut-short INVITEs and junk, some 4,500 a second from one address: over twice what
     * SBC-edge allows a source in the lab, and no more than this machine's cores can send while
     * they also run the lab it floods.
     */
    private void udp(int max) {
      List<String> fixtures = List.of("valid-options.sip", "truncated-invite.sip", "garbage.bin");
      try (SipWire wire = SipWire.udp(EDGE_AT, FLOODER)) {
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
          messages.add(wire.message(fixtures.get(i % fixtures.size()), "+18005550100").bytes());
        }
        for (int i = 0; i < max && !stop.get(); i++) {
          wire.send(messages.get(i % messages.size()));
          datagrams.incrementAndGet();
          if (i % 5 == 4) {
            Thread.sleep(1);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Fifty connections a second, each admitted one sending an endless header line. */
    private void tcp() {
      byte[] line = new byte[16384];
      Arrays.fill(line, (byte) 'a');
      while (!stop.get()) {
        try {
          Socket socket = new Socket();
          sockets.add(socket);
          socket.bind(new InetSocketAddress(FLOODER, 0));
          socket.connect(EDGE_AT.toSocketAddress(), 2000);
          connections.incrementAndGet();
          OutputStream out = socket.getOutputStream();
          out.write(
              "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nSubject: ".getBytes(StandardCharsets.UTF_8));
          for (int i = 0; i < 8; i++) {
            out.write(line);
          }
        } catch (IOException closedOrRefused) {
          // what the edge should do to it
        }
        sleepQuietly(20);
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
      synchronized (sockets) {
        for (Socket s : sockets) {
          try {
            s.close();
          } catch (IOException e) {
            // closing anyway
          }
        }
      }
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void callsAndTransfersCompleteWhileOneSourceFloodsTheEdge() throws Exception {
    call("+18005550100").hangUp(); // everything warmed up before the figures are taken
    await().atMost(WAIT).until(() -> edge().activeCalls() == 0);
    long threadsBefore = connectionThreads();
    List<Long> setupMillis = new ArrayList<>();
    int transfers = 0;
    int transfersCompleted = 0;
    List<String> failures = new ArrayList<>();
    Flood flood = new Flood(400_000);
    try {
      for (int i = 0; i < CALLS; i++) {
        long started = System.nanoTime();
        UaCall ua;
        try {
          ua = call("+18005550100");
        } catch (Exception | AssertionError e) {
          failures.add("call " + i + ": " + e);
          continue;
        }
        setupMillis.add((System.nanoTime() - started) / 1_000_000);
        if (i % TRANSFER_EVERY == 0) {
          transfers++;
          try {
            String callId = callOf(ua).get("id").asText();
            awaitTransfer(transfer(callId, "{\"to\":\"target:sales\"}"), "completed");
            transfersCompleted++;
          } catch (Exception | AssertionError e) {
            failures.add("transfer on call " + i + ": " + e);
          }
        }
        ua.hangUp();
      }
    } finally {
      flood.close();
    }
    LimitCounters during = edge().limitCounters();
    Collections.sort(setupMillis);
    System.out.printf(
        "FloodTest: %d of %d calls and %d of %d transfers completed while %s sent %d datagrams"
            + " and opened %d TCP connections; call setup p50 %d ms, p99 %d ms; SBC-edge: %s%n",
        setupMillis.size(),
        CALLS,
        transfersCompleted,
        transfers,
        FLOODER,
        flood.datagrams.get(),
        flood.connections.get(),
        percentile(setupMillis, 50),
        percentile(setupMillis, 99),
        during);
    assertThat(setupMillis.size()).as("calls completed: %s", failures).isGreaterThanOrEqualTo(19);
    assertThat(transfersCompleted).as("transfers completed: %s", failures).isEqualTo(transfers);
    assertThat(during.bans()).as("the flooder was banned").isGreaterThanOrEqualTo(1);
    assertThat(during.droppedWhileBanned()).isPositive();
    assertThat(during.oversizedStreams() + during.refusedConnections()).isPositive();
    // What the operator sees of it: /metrics counts the same refusals.
    PrometheusText metrics = ObservabilityTest.scrape();
    assertThat(metrics.value("baton_sip_refused_total", "element", "sbc-edge", "what", "bans"))
        .isGreaterThanOrEqualTo(1);
    assertThat(metrics.type("baton_sip_refused_total")).isEqualTo("counter");

    await().atMost(WAIT).until(() -> edge().activeCalls() == 0);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              LimitCounters idle = edge().limitCounters();
              assertThat(idle.openConnections()).as("TCP connections held").isZero();
              assertThat(idle.sources()).as("sources remembered").isZero();
              assertThat(connectionThreads()).as("TCP threads").isLessThanOrEqualTo(threadsBefore);
            });
  }

  private static long percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
