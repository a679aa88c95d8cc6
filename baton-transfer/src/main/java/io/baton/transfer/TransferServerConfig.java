package io.baton.transfer;

import io.baton.sip.HostPort;
import io.baton.sip.SipConfig;
import java.time.Duration;
import java.util.List;

/**
 * The {@code transfer:} block: where the transfer server listens for SIP and HTTP, the limits of
 * its API, its timers and how it delivers events. Keys left out take the defaults documented on
 * each component.
 *
 * @param sip the SIP user agent (sends REFERs, receives their NOTIFYs)
 * @param http the REST API's address
 * @param defaultTimeout {@code timeoutSeconds} of a transfer target that names none (30s)
 * @param maxTimeout the largest {@code timeoutSeconds} a request may ask for (300s)
 * @param notifyGrace how long past the sum of its targets' timeouts a transfer waits for the final
 *     NOTIFY before it fails (10s): SBC-edge needs the timeouts themselves to give up the new legs
 * @param rateLimit requests allowed per API key
 * @param referTimeout how long a REFER may go without an answer or a NOTIFY before the transfer
 *     fails with 408 (32s, RFC 3261 Timer F)
 * @param idempotencyWindow how long an {@code Idempotency-Key} is remembered (24h); older keys are
 *     purged
 * @param eventHeartbeat how often an idle {@code GET /v1/events} stream gets a comment line, so
 *     proxies and the server keep it open (15s)
 * @param webhooks how events are delivered to tenants' webhooks
 * @param capture how many SIP messages are kept in memory for the calls' ladder diagrams
 * @param cdrs how call detail records are written and costed
 * @param policy what the toll-fraud guard knows of the network besides tenants' own policies
 */
public record TransferServerConfig(
    SipConfig sip,
    HostPort http,
    Duration defaultTimeout,
    Duration maxTimeout,
    Duration notifyGrace,
    RateLimit rateLimit,
    Duration referTimeout,
    Duration idempotencyWindow,
    Duration eventHeartbeat,
    WebhookDelivery webhooks,
    Capture capture,
    Cdrs cdrs,
    Policy policy) {

  public TransferServerConfig {
    if (sip == null) {
      throw new IllegalArgumentException("transfer.sip: missing");
    }
    if (http == null) {
      throw new IllegalArgumentException("transfer.http: missing");
    }
    defaultTimeout = defaultTimeout == null ? Duration.ofSeconds(30) : defaultTimeout;
    maxTimeout = maxTimeout == null ? Duration.ofSeconds(300) : maxTimeout;
    notifyGrace = notifyGrace == null ? Duration.ofSeconds(10) : notifyGrace;
    rateLimit = rateLimit == null ? RateLimit.DEFAULT : rateLimit;
    referTimeout = referTimeout == null ? Duration.ofSeconds(32) : referTimeout;
    idempotencyWindow = idempotencyWindow == null ? Duration.ofHours(24) : idempotencyWindow;
    eventHeartbeat = eventHeartbeat == null ? Duration.ofSeconds(15) : eventHeartbeat;
    webhooks = webhooks == null ? WebhookDelivery.DEFAULT : webhooks;
    capture = capture == null ? Capture.DEFAULT : capture;
    cdrs = cdrs == null ? Cdrs.DEFAULT : cdrs;
    policy = policy == null ? Policy.DEFAULT : policy;
    if (maxTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "transfer.maxTimeout: " + maxTimeout + " is shorter than one second");
    }
    if (defaultTimeout.toSeconds() < 1 || defaultTimeout.compareTo(maxTimeout) > 0) {
      throw new IllegalArgumentException(
          "transfer.defaultTimeout: " + defaultTimeout + " is not in 1s.." + maxTimeout);
    }
    if (notifyGrace.isNegative()) {
      throw new IllegalArgumentException("transfer.notifyGrace: " + notifyGrace + " is negative");
    }
    positive("transfer.referTimeout", referTimeout);
    if (idempotencyWindow.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException(
          "transfer.idempotencyWindow: " + idempotencyWindow + " is shorter than a minute");
    }
    positive("transfer.eventHeartbeat", eventHeartbeat);
  }

  /**
   * The configuration of before issue 6: message capture, CDRs and the policy at their defaults.
   */
  public TransferServerConfig(
      SipConfig sip,
      HostPort http,
      Duration defaultTimeout,
      Duration maxTimeout,
      Duration notifyGrace,
      RateLimit rateLimit,
      Duration referTimeout,
      Duration idempotencyWindow,
      Duration eventHeartbeat,
      WebhookDelivery webhooks) {
    this(
        sip,
        http,
        defaultTimeout,
        maxTimeout,
        notifyGrace,
        rateLimit,
        referTimeout,
        idempotencyWindow,
        eventHeartbeat,
        webhooks,
        null,
        null,
        null);
  }

  static void positive(String key, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + ": " + d + " is not a positive duration");
    }
  }

  /**
   * A token bucket per API key: {@code burst} requests at once, refilled at {@code perSecond}.
   *
   * @param perSecond sustained requests per second (20)
   * @param burst requests allowed at once (40)
   */
  public record RateLimit(double perSecond, int burst) {
    public static final RateLimit DEFAULT = new RateLimit(20, 40);

    public RateLimit {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException(
            "transfer.rateLimit.perSecond: " + perSecond + " is not a positive number");
      }
      if (burst < 1) {
        throw new IllegalArgumentException("transfer.rateLimit.burst: " + burst + " is below 1");
      }
    }
  }

  /**
   * The {@code transfer.webhooks:} block. A failed delivery (no answer within {@code timeout}, or
   * not 2xx) is retried after {@code retryInitial}, then twice as long each time up to {@code
   * retryMax}; the tenant's later events wait behind it (one in flight per tenant, in order).
   *
   * @param timeout how long one delivery may take (10s)
   * @param retryInitial the wait after the first failure (1s)
   * @param retryMax the longest wait between two attempts (10m)
   * @param giveUpAfter an event still undelivered this long after it happened is dropped (72h)
   * @param poll how often the outbox is looked at besides the wake-ups of new events (5s)
   */
  public record WebhookDelivery(
      Duration timeout,
      Duration retryInitial,
      Duration retryMax,
      Duration giveUpAfter,
      Duration poll) {
    public static final WebhookDelivery DEFAULT = new WebhookDelivery(null, null, null, null, null);

    public WebhookDelivery {
      timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
      retryInitial = retryInitial == null ? Duration.ofSeconds(1) : retryInitial;
      retryMax = retryMax == null ? Duration.ofMinutes(10) : retryMax;
      giveUpAfter = giveUpAfter == null ? Duration.ofHours(72) : giveUpAfter;
      poll = poll == null ? Duration.ofSeconds(5) : poll;
      positive("transfer.webhooks.timeout", timeout);
      positive("transfer.webhooks.retryInitial", retryInitial);
      if (retryMax.compareTo(retryInitial) < 0) {
        throw new IllegalArgumentException(
            "transfer.webhooks.retryMax: " + retryMax + " is shorter than retryInitial");
      }
      positive("transfer.webhooks.giveUpAfter", giveUpAfter);
      positive("transfer.webhooks.poll", poll);
    }

    /** The wait after the {@code attempts}-th failed attempt (1-based). */
    Duration backoff(int attempts) {
      Duration wait = retryInitial;
      for (int i = 1; i < attempts && wait.compareTo(retryMax) < 0; i++) {
        wait = wait.multipliedBy(2);
      }
      return wait.compareTo(retryMax) > 0 ? retryMax : wait;
    }
  }

  /**
   * The {@code transfer.capture:} block: the SIP messages of recent calls kept in memory for their
   * ladder diagrams ({@code GET /v1/calls/{id}/messages}), bounded whatever the call rate.
   *
   * @param enabled capture SIP messages at all (it costs a message encoding per message); off,
   *     there are neither ladders nor SIP message counters
   * @param dialogs SIP dialogs (Call-IDs) whose messages are kept, the oldest forgotten first
   * @param messagesPerDialog messages kept per Call-ID, the first ones (a long call's re-sent
   *     in-dialog requests are the least useful)
   */
  public record Capture(boolean enabled, int dialogs, int messagesPerDialog) {
    public static final Capture DEFAULT = new Capture(true, 5000, 200);

    public Capture {
      if (dialogs < 1) {
        throw new IllegalArgumentException("transfer.capture.dialogs: " + dialogs + " is below 1");
      }
      if (messagesPerDialog < 1) {
        throw new IllegalArgumentException(
            "transfer.capture.messagesPerDialog: " + messagesPerDialog + " is below 1");
      }
    }
  }

  /**
   * The {@code transfer.cdrs:} block.
   *
   * @param heldPathRate what a minute of a call held on the path to its first destination costs
   *     (inbound trunk, the destination platform's port): the value of the minutes a transfer
   *     released, in the savings view (0: not known)
   * @param settle how long after the caller's leg ends the record waits for the call's other legs
   *     to report their release before it is written anyway
   */
  public record Cdrs(java.math.BigDecimal heldPathRate, Duration settle) {
    public static final Cdrs DEFAULT = new Cdrs(null, null);

    public Cdrs {
      heldPathRate = heldPathRate == null ? java.math.BigDecimal.ZERO : heldPathRate;
      settle = settle == null ? Duration.ofSeconds(10) : settle;
      if (heldPathRate.signum() < 0) {
        throw new IllegalArgumentException(
            "transfer.cdrs.heldPathRate: " + heldPathRate + " is negative");
      }
      positive("transfer.cdrs.settle", settle);
    }
  }

  /**
   * The {@code transfer.policy:} block (docs/security.md, "Transfer destination policy").
   *
   * @param outsideNetwork names of {@code network:} entries that are destinations outside Baton's
   *     network (a customer's PBX, named so its legs read well), which a {@code sip:} transfer
   *     target may name; every other {@code network:} address is an element of the network, which
   *     none may
   */
  public record Policy(List<String> outsideNetwork) {
    public static final Policy DEFAULT = new Policy(null);

    public Policy {
      outsideNetwork = outsideNetwork == null ? List.of() : List.copyOf(outsideNetwork);
    }

    /**
     * Checks every name is one of {@code network}'s.
     *
     * @throws IllegalArgumentException {@code transfer.policy.outsideNetwork[0]: 'x' is not a name
     *     in network:}
     */
    public void check(java.util.Set<String> network) {
      for (int i = 0; i < outsideNetwork.size(); i++) {
        if (!network.contains(outsideNetwork.get(i))) {
          throw new IllegalArgumentException(
              "transfer.policy.outsideNetwork["
                  + i
                  + "]: '"
                  + outsideNetwork.get(i)
                  + "' is not a name in network:");
        }
      }
    }
  }
}
