package io.baton.transfer;

import io.baton.contract.ReferSigningConfig;
import io.baton.contract.SecretRef;
import io.baton.sip.HostPort;
import io.baton.sip.SipConfig;
import io.baton.store.SecretsConfig;
import java.time.Duration;
import java.util.List;

/**
 * The {@code transfer:} block: where the transfer server listens for SIP and HTTP, the limits of
 * its API, its timers and how it delivers events. Keys left out take the defaults documented on
 * each component.
 *
 * @param sip the SIP user agent (sends REFERs, receives their NOTIFYs)
 * @param http the REST API's address over plain HTTP; null to serve it over {@code https} only
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
 * @param https the REST API over TLS as well (or only), if set
 * @param clients requests and failed authentications allowed per client address, counted before the
 *     API key is looked up
 * @param keyCache how long and how many API key lookups are reused
 * @param secrets the master keys that seal tenants' webhook secrets in the database (required to
 *     start the server)
 * @param policy what the toll-fraud guard knows of the network besides tenants' own policies
 * @param referSigning the keys its REFERs are signed with ({@code signWith}), so the proxy and
 *     SBC-edge obey only REFERs it sent (docs/security.md, "Signed REFERs"); default none: REFERs
 *     go unsigned
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
    Https https,
    Clients clients,
    KeyCache keyCache,
    SecretsConfig secrets,
    Policy policy,
    ReferSigningConfig referSigning) {

  public TransferServerConfig {
    if (sip == null) {
      throw new IllegalArgumentException("transfer.sip: missing");
    }
    if (http == null && https == null) {
      throw new IllegalArgumentException("transfer.http: missing (and no transfer.https)");
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
    clients = clients == null ? Clients.DEFAULT : clients;
    keyCache = keyCache == null ? KeyCache.DEFAULT : keyCache;
    policy = policy == null ? Policy.DEFAULT : policy;
    referSigning = referSigning == null ? ReferSigningConfig.off() : referSigning;
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
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** Where clients reach the API: its plain HTTP address if it has one, else its HTTPS one. */
  public String baseUrl() {
    return http != null ? "http://" + http : "https://" + https.listen();
  }

  static void positive(String key, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + ": " + d + " is not a positive duration");
    }
  }

  /**
   * A token bucket: {@code burst} requests at once, refilled at {@code perSecond} (the {@code
   * transfer.rateLimit:} block per API key, 20/s in bursts of 40, and the blocks of {@code
   * transfer.clients}). Problems name the key relative to the block; the configuration loader puts
   * the block's path in front.
   *
   * @param perSecond sustained requests per second
   * @param burst requests allowed at once
   */
  public record RateLimit(double perSecond, int burst) {
    public static final RateLimit DEFAULT = new RateLimit(20, 40);

    public RateLimit {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException("perSecond: " + perSecond + " is not a positive number");
      }
      if (burst < 1) {
        throw new IllegalArgumentException("burst: " + burst + " is below 1");
      }
    }
  }

  /**
   * The {@code transfer.clients:} block: limits per client address (an IPv4 address, or the /64 an
   * IPv6 address is in, since one host gets a whole /64), checked before the API key is looked up,
   * so neither a flood nor key guessing reaches the database at more than these rates.
   *
   * @param requests every request from the address (100/s in bursts of 200)
   * @param failedAuth authentications that failed (unknown key or token): an address out of these
   *     is answered 429 until one is refilled (one per 10 s, in bursts of 20)
   * @param tracked addresses remembered at most; the least recently seen are forgotten first
   *     (100000)
   */
  public record Clients(RateLimit requests, RateLimit failedAuth, int tracked) {
    public static final Clients DEFAULT =
        new Clients(new RateLimit(100, 200), new RateLimit(0.1, 20), 100_000);

    public Clients {
      requests = requests == null ? DEFAULT.requests : requests;
      failedAuth = failedAuth == null ? DEFAULT.failedAuth : failedAuth;
      if (tracked < 1) {
        throw new IllegalArgumentException("transfer.clients.tracked: " + tracked + " is below 1");
      }
    }
  }

  /**
   * The {@code transfer.keyCache:} block: API key lookups (a known key's principal, or that a key
   * is unknown) reused without asking the database.
   *
   * @param ttl how long one is reused (30s): a key deleted from the database stops working within
   *     it
   * @param size lookups kept at most (10000), the least recently used forgotten first
   */
  public record KeyCache(Duration ttl, int size) {
    public static final KeyCache DEFAULT = new KeyCache(null, 10_000);

    public KeyCache {
      ttl = ttl == null ? Duration.ofSeconds(30) : ttl;
      if (ttl.isNegative()) {
        throw new IllegalArgumentException("transfer.keyCache.ttl: " + ttl + " is negative");
      }
      if (size < 1) {
        throw new IllegalArgumentException("transfer.keyCache.size: " + size + " is below 1");
      }
    }
  }

  /**
   * The {@code transfer.https:} block: the API over TLS.
   *
   * @param listen the address to serve HTTPS on
   * @param keyStore a PKCS#12 (or JKS) file with the server's private key and certificate chain
   * @param password the key store's password: {@code env:NAME}, {@code file:PATH} or the value
   */
  public record Https(HostPort listen, String keyStore, String password) {
    public Https {
      if (listen == null) {
        throw new IllegalArgumentException("transfer.https.listen: missing");
      }
      if (keyStore == null || keyStore.isBlank()) {
        throw new IllegalArgumentException("transfer.https.keyStore: missing");
      }
      SecretRef.check("transfer.https.password", password);
    }

    @Override
    public String toString() {
      return "Https[listen="
          + listen
          + ", keyStore="
          + keyStore
          + ", password="
          + SecretRef.redacted(password)
          + "]";
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
   * @param allowHttpHosts hosts a webhook may reach over plain {@code http://} (none: {@code
   *     https://} only)
   * @param allowPrivate hosts (by name) and address ranges (CIDR, or one address) a webhook may
   *     reach although they are loopback, link-local, private or otherwise not public (none)
   */
  public record WebhookDelivery(
      Duration timeout,
      Duration retryInitial,
      Duration retryMax,
      Duration giveUpAfter,
      Duration poll,
      List<String> allowHttpHosts,
      List<String> allowPrivate) {
    public static final WebhookDelivery DEFAULT =
        new WebhookDelivery(null, null, null, null, null, null, null);

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
      allowHttpHosts = allowHttpHosts == null ? List.of() : List.copyOf(allowHttpHosts);
      allowPrivate = allowPrivate == null ? List.of() : List.copyOf(allowPrivate);
      WebhookTargets.checkAllowances(allowHttpHosts, allowPrivate);
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
