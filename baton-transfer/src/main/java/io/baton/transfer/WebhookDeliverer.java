package io.baton.transfer;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox to tenants' webhooks: per tenant one POST at a time, oldest event first, the
 * next only after a 2xx (FIFO); a failure is retried with exponential backoff and holds the
 * tenant's later events back. Work starts when an event is queued ({@link #wake()}), when a retry
 * is due, at start (rows a previous run left) and every {@code poll}; timers run on the injected
 * scheduler, the HTTP calls on virtual threads. Every connection goes to an address {@link
 * WebhookTargets} passed just before (resolved anew each time, so a host that now resolves to a
 * forbidden address is refused); redirects are not followed (a {@code 3xx} is a failed attempt).
 */
final class WebhookDeliverer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliverer.class);
  static final String EVENT_ID_HEADER = "Baton-Event-Id";

  private final WebhookOutbox outbox;
  private final Webhooks webhooks;
  private final TransferServerConfig.WebhookDelivery config;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final HttpClient http;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean scanning = new AtomicBoolean();
  private final AtomicBoolean wanted = new AtomicBoolean();
  private volatile ScheduledFuture<?> poll;
  private volatile boolean closed;

  WebhookDeliverer(
      WebhookOutbox outbox,
      Webhooks webhooks,
      TransferServerConfig.WebhookDelivery config,
      WebhookTargets targets,
      Clock clock,
      ScheduledExecutorService scheduler) {
    this.outbox = outbox;
    this.webhooks = webhooks;
    this.config = config;
    this.clock = clock;
    this.scheduler = scheduler;
    this.http = new HttpClient();
    http.setFollowRedirects(false);
    http.setConnectTimeout(config.timeout().toMillis());
    http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "Baton-Webhooks/1"));
    http.setSocketAddressResolver(checked(targets));
    try {
      http.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the webhook HTTP client", e);
    }
  }

  /** Resolves a webhook's host to the addresses {@code targets} passes, off Jetty's threads. */
  private static SocketAddressResolver checked(WebhookTargets targets) {
    return (host, port, context, promise) ->
        Thread.ofVirtual()
            .name("webhook-resolve")
            .start(
                () -> {
                  try {
                    promise.succeeded(targets.addresses(host, port));
                  } catch (WebhookTargets.Refused e) {
                    promise.failed(e);
                  }
                });
  }

  /** Delivers what a previous run left, then polls. */
  void start() {
    long every = config.poll().toMillis();
    poll = scheduler.scheduleWithFixedDelay(this::wake, 0, every, TimeUnit.MILLISECONDS);
  }

  /** Looks at the outbox soon; never blocks (called from the scheduler and after each event). */
  void wake() {
    wanted.set(true);
    if (closed || !scanning.compareAndSet(false, true)) {
      return;
    }
    Thread.ofVirtual()
        .name("webhook-scan")
        .start(
            () -> {
              try {
                while (wanted.getAndSet(false) && !closed) {
                  scan();
                }
              } catch (RuntimeException e) {
                LOG.error("webhook outbox scan failed; next poll retries", e);
              } finally {
                scanning.set(false);
                if (wanted.get() && !closed) {
                  wake();
                }
              }
            });
  }

  /** Starts a delivery for every tenant whose oldest event is due and not already on its way. */
  private void scan() {
    Instant now = clock.instant();
    for (WebhookOutbox.Delivery head : outbox.heads()) {
      if (!head.nextAttemptAt().isAfter(now) && inFlight.add(head.tenant())) {
        Thread.ofVirtual().name("webhook-" + head.tenant()).start(() -> deliverFrom(head.tenant()));
      }
    }
  }

  /** Delivers {@code tenant}'s events in order until one fails, none is left or none is due. */
  private void deliverFrom(String tenant) {
    boolean broke = false;
    try {
      while (!closed) {
        Optional<WebhookOutbox.Delivery> head = outbox.head(tenant);
        if (head.isEmpty()) {
          return;
        }
        WebhookOutbox.Delivery d = head.get();
        Instant now = clock.instant();
        if (d.nextAttemptAt().isAfter(now)) {
          wakeIn(Duration.between(now, d.nextAttemptAt()));
          return;
        }
        if (d.createdAt().plus(config.giveUpAfter()).isBefore(now)) {
          LOG.warn(
              "webhook of {}: event {} undelivered after {} attempts since {}: dropped",
              tenant,
              d.eventId(),
              d.attempts(),
              d.createdAt());
          outbox.remove(d.eventId());
          continue;
        }
        Optional<Webhooks.Webhook> webhook = webhooks.find(tenant);
        if (webhook.isEmpty()) {
          LOG.info("{} has no webhook any more: {} events dropped", tenant, outbox.drop(tenant));
          return;
        }
        Optional<String> error = post(webhook.get(), d);
        if (closed) {
          return; // shutting down: the event stays and goes out after the restart
        }
        if (error.isEmpty()) {
          outbox.remove(d.eventId());
          continue;
        }
        int attempts = d.attempts() + 1;
        Duration wait = config.backoff(attempts);
        LOG.info(
            "webhook of {}: event {} attempt {} failed ({}); retry in {}",
            tenant,
            d.eventId(),
            attempts,
            error.get(),
            wait);
        outbox.failed(d.eventId(), attempts, clock.instant().plus(wait), error.get());
        wakeIn(wait);
        return;
      }
    } catch (RuntimeException e) {
      broke = true;
      LOG.error("webhook delivery for {} failed; next poll retries", tenant, e);
    } finally {
      inFlight.remove(tenant);
      if (!broke) {
        wake(); // an event queued while this tenant was in flight was skipped by the scan
      }
    }
  }

  /** One attempt: POST the body, signed now; empty on 2xx, else what went wrong. */
  private Optional<String> post(Webhooks.Webhook webhook, WebhookOutbox.Delivery d) {
    byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
    long now = clock.instant().getEpochSecond();
    try {
      int status =
          http.POST(URI.create(webhook.url()))
              .timeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
              .headers(
                  h ->
                      h.put(EVENT_ID_HEADER, Long.toString(d.eventId()))
                          .put(
                              WebhookSignature.HEADER,
                              WebhookSignature.header(webhook.secret(), now, body)))
              .body(new BytesRequestContent("application/json", body))
              .send()
              .getStatus();
      return status >= 200 && status < 300 ? Optional.empty() : Optional.of("HTTP " + status);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return Optional.of(
          cause instanceof WebhookTargets.Refused
              ? "refused: " + cause.getMessage()
              : cause.getClass().getSimpleName() + ": " + cause.getMessage());
    } catch (TimeoutException e) {
      return Optional.of("no answer within " + config.timeout());
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  private void wakeIn(Duration wait) {
    if (!closed) {
      scheduler.schedule(this::wake, Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
    }
  }

  /** Stops delivering; undelivered events stay in the outbox for the next start. */
  @Override
  public void close() {
    closed = true;
    ScheduledFuture<?> p = poll;
    if (p != null) {
      p.cancel(false);
    }
    try {
      http.stop();
    } catch (Exception e) {
      LOG.warn("stopping the webhook HTTP client failed: {}", e.toString());
    }
  }
}
