package io.baton.callcenter;

import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.ua.Answer;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import io.baton.ua.UserAgentConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import javax.sip.SipException;

/**
 * The lab's destination server: a contact-center platform that answers every call (180, then 200)
 * with a 600 Hz tone and has no SIP transfer capability at all: a REFER gets 405 Method Not Allowed
 * (Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO). To move a call it must ask the transfer server
 * (DESIGN §2 step 4). It is a {@link UserAgent} with that answer policy.
 */
public final class CallCenter implements AutoCloseable {
  /** Ring briefly so callers see 180 before the 200, as a real platform's would. */
  static final Answer ANSWER = new Answer(200, Duration.ofMillis(100), 600);

  private final UserAgent agent;

  private CallCenter(UserAgent agent) {
    this.agent = agent;
  }

  /**
   * Starts listening on {@code config.sip()} with RTP ports from {@code config.media()}.
   *
   * @param name its name in logs, From headers and SDP, e.g. {@code callcenter}
   * @param scheduler paces RTP and the ringing before each answer
   * @param clock stamps calls
   * @throws SipException if it cannot listen
   */
  public static CallCenter start(
      String name, CallCenterConfig config, ScheduledExecutorService scheduler, Clock clock)
      throws SipException {
    UserAgentConfig ua = new UserAgentConfig(name, config.sip(), ANSWER);
    return new CallCenter(UserAgent.start(ua, config.media().pool(), scheduler, clock));
  }

  public HostPort address() {
    return agent.address();
  }

  /**
   * The calls it received, oldest first, each with its {@code X-Baton-Call-Id} ({@code
   * header(...)}), RTP counters ({@code rtp()}), and whether the peer hung up ({@code
   * endedByRemote()}, {@code inDialogRequests()} containing BYE).
   */
  public List<UaCall> calls() {
    return agent.calls();
  }

  /** The latest call carrying {@code X-Baton-Call-Id: batonCallId}. */
  public Optional<UaCall> call(String batonCallId) {
    return calls().reversed().stream()
        .filter(c -> batonCallId.equals(c.header(Messages.CALL_ID_HEADER)))
        .findFirst();
  }

  /**
   * The next call it receives.
   *
   * @throws TimeoutException if none arrives within {@code timeout}
   */
  public UaCall awaitIncoming(Duration timeout) throws TimeoutException, InterruptedException {
    return agent.awaitIncoming(timeout);
  }

  /**
   * Hangs up the call carrying {@code X-Baton-Call-Id: batonCallId} (BYE once answered).
   *
   * @return false if it has no such call still up
   */
  public boolean hangUp(String batonCallId) {
    Optional<UaCall> call = call(batonCallId).filter(c -> !c.state().terminal());
    call.ifPresent(UaCall::hangUp);
    return call.isPresent();
  }

  @Override
  public void close() {
    agent.close();
  }
}
