package io.baton.transfer;

import io.baton.registry.CallRegistry;
import io.baton.routing.Numbers;
import io.baton.sip.HostPort;
import io.baton.store.ApiKeys;
import io.baton.store.Database;
import io.baton.store.Directory;
import io.javalin.Javalin;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import javax.sip.SipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transfer server (DESIGN §1): the REST API on {@code transfer.http} and the SIP user agent on
 * {@code transfer.sip} that sends each transfer's out-of-dialog REFER and follows its NOTIFYs.
 */
public final class TransferServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TransferServer.class);

  private final TransferUserAgent userAgent;
  private final TransferService service;
  private final Javalin http;
  private final List<String> routes;

  private TransferServer(
      TransferUserAgent userAgent, TransferService service, Javalin http, List<String> routes) {
    this.userAgent = userAgent;
    this.service = service;
    this.http = http;
    this.routes = routes;
  }

  /**
   * Starts both sides. Transfers a previous run left unfinished are failed first: nobody follows
   * their NOTIFYs any more.
   *
   * @param name the element's name in logs and SIP traces
   * @param registry where the elements publish calls and legs
   * @param db tenants, API keys, DIDs, targets, and the transfers themselves
   * @param numbers reads phone numbers in {@code to} and in targets
   * @param clock stamps every transition and refills rate limits
   * @param scheduler runs each transfer's "no final NOTIFY" timeout
   * @throws SipException if the SIP address cannot be bound
   */
  public static TransferServer start(
      String name,
      TransferServerConfig config,
      CallRegistry registry,
      Database db,
      Numbers numbers,
      Clock clock,
      ScheduledExecutorService scheduler)
      throws SipException {
    TransferStore store = new TransferStore(db);
    int failed = store.failUnfinished(clock.instant(), "transfer server restarted");
    if (failed > 0) {
      LOG.warn("{}: failed {} transfers left unfinished by the previous run", name, failed);
    }
    TransferUserAgent userAgent = new TransferUserAgent();
    TransferService service =
        new TransferService(
            registry,
            new Directory(db),
            store,
            numbers,
            userAgent,
            config.notifyGrace(),
            clock,
            scheduler);
    userAgent.start(name, config.sip(), service);
    TransferApi api =
        new TransferApi(
            service, new ApiKeys(db), new RateLimiter(config.rateLimit(), clock), numbers, config);
    try {
      Javalin http = api.create().start(config.http().host(), config.http().port());
      List<String> routes = api.routes().stream().map(r -> r.method() + " " + r.path()).toList();
      LOG.info("{}: API on http://{}:{} {}", name, config.http().host(), http.port(), routes);
      return new TransferServer(userAgent, service, http, routes);
    } catch (RuntimeException e) {
      userAgent.close();
      throw e;
    }
  }

  /** The port the API listens on (the configured one, or the one picked for port 0). */
  public int httpPort() {
    return http.port();
  }

  /** Where the SIP user agent listens. */
  public HostPort sipAddress() {
    return userAgent.address();
  }

  /** Every route the API serves, as {@code METHOD /path}. */
  public List<String> routes() {
    return routes;
  }

  @Override
  public void close() {
    try {
      http.stop();
    } finally {
      service.stop();
      userAgent.close();
    }
  }
}
