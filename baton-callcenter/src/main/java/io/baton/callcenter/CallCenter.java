package io.baton.callcenter;

import io.baton.contract.BatonHeaders;
import io.baton.media.AudioClip;
import io.baton.sip.HostPort;
import io.baton.ua.Answer;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import io.baton.ua.UserAgentConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sip.SipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab's destination server: a contact-center platform that answers every call (180, then 200),
 * runs it through its IVR (prompts over RTP, DTMF as RFC 4733 events or SIP INFO), queues it for
 * simulated agents, and has no SIP transfer capability at all: a REFER gets 405 Method Not Allowed
 * (Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO). To move a call it asks Baton's REST API
 * (docs/design.md, transfer step 4): on arrival, after an IVR choice, or when an agent asks through
 * its HTTP endpoint.
 */
public final class CallCenter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CallCenter.class);

  /** Ring briefly so callers see 180 before the 200, as a real platform's would. */
  static final Answer ANSWER = new Answer(200, Duration.ofMillis(100), 600);

  /** Agents ring a little before they pick up. */
  static final Answer AGENT_ANSWER = new Answer(200, Duration.ofMillis(200), 0);

  /** How long a transfer asked right after the answer waits for Baton to see the call active. */
  static final Duration NOT_ANSWERED_RETRY = Duration.ofSeconds(5);

  private static final byte[] SILENCE = silence();

  private final CallCenterConfig config;
  private final UserAgent agent;
  private final List<UserAgent> agents;
  private final AgentDesk desk;
  private final BatonApi api;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, List<Verb>> flows;
  private AgentHttp http;

  private CallCenter(
      CallCenterConfig config,
      UserAgent agent,
      List<UserAgent> agents,
      ScheduledExecutorService scheduler,
      Clock clock) {
    this.config = config;
    this.agent = agent;
    this.agents = agents;
    this.scheduler = scheduler;
    this.flows = config.ivr().verbs(config.queues().keySet(), Prompts.NAMES);
    this.desk = new AgentDesk(agent, agents, config.queues(), scheduler, clock);
    this.api = new BatonApi(config.api());
  }

  /**
   * Starts listening on {@code config.sip()} with RTP ports from {@code config.media()}, its agents
   * on theirs, and the agents' HTTP endpoint on {@code config.http()}.
   *
   * @param name its name in logs, From headers and SDP, e.g. {@code callcenter}
   * @param scheduler paces RTP, the ringing before each answer and the IVR's timers
   * @param clock stamps calls and agents' idle times
   * @throws SipException if it cannot listen
   */
  public static CallCenter start(
      String name, CallCenterConfig config, ScheduledExecutorService scheduler, Clock clock)
      throws SipException {
    var pool = config.media().pool();
    List<UserAgent> agents = new ArrayList<>();
    UserAgent center = null;
    try {
      for (AgentConfig a : config.agents()) {
        UserAgent ua =
            UserAgent.start(
                new UserAgentConfig(a.name(), a.sip(), AGENT_ANSWER, config.lifetime()),
                pool,
                scheduler,
                clock);
        AudioClip voice = Prompts.clip(Prompts.AGENT);
        ua.onIncoming(call -> call.rtp().source(voice.looped())); // agents talk
        agents.add(ua);
      }
      center =
          UserAgent.start(
              new UserAgentConfig(name, config.sip(), ANSWER, config.lifetime()),
              pool,
              scheduler,
              clock);
      CallCenter cc = new CallCenter(config, center, agents, scheduler, clock);
      center.onIncoming(cc::arrived);
      cc.http = AgentHttp.start(config.http(), cc);
      return cc;
    } catch (IOException e) {
      closeAll(center, agents);
      throw new SipException(
          "callcenter.http.listen: cannot listen on " + config.http().listen() + ": " + e, e);
    } catch (SipException | RuntimeException e) {
      closeAll(center, agents);
      throw e;
    }
  }

  private static void closeAll(UserAgent center, List<UserAgent> agents) {
    if (center != null) {
      center.close();
    }
    agents.forEach(UserAgent::close);
  }

  public HostPort address() {
    return agent.address();
  }

  /** Where agents' requests go ({@code POST /agents/{name}/transfer}). */
  public HostPort httpAddress() {
    return http.address();
  }

  /**
   * The calls it received, oldest first, each with its {@code X-Baton-Call-Id} ({@code
   * header(...)}), RTP counters ({@code rtp()}), digits ({@code digits()}), and whether the peer
   * hung up ({@code endedByRemote()}, {@code inDialogRequests()} containing BYE).
   */
  public List<UaCall> calls() {
    return agent.calls();
  }

  /** The latest call carrying {@code X-Baton-Call-Id: batonCallId}. */
  public Optional<UaCall> call(String batonCallId) {
    return calls().reversed().stream()
        .filter(c -> batonCallId.equals(c.header(BatonHeaders.CALL_ID)))
        .findFirst();
  }

  /**
   * The IVR's view of a call it received: flow, state, agent ({@code flow=menu state=GATHERING
   * agent=-}); empty once the call is over.
   */
  public Optional<String> ivr(UaCall call) {
    Session s = sessions.get(call.sipCallId());
    return s == null
        ? Optional.empty()
        : Optional.of(
            "flow="
                + s.ivr.flow()
                + " history="
                + s.ivr.history()
                + " state="
                + s.ivr.state()
                + " agent="
                + s.ivr.agent());
  }

  /** RTP ports its calls and its agents' calls hold now ({@code callcenter.media.ports}). */
  public int rtpPortsInUse() {
    return agent.rtpPortsInUse();
  }

  /** A simulated agent's user agent (it answers the calls the queues give it). */
  public Optional<UserAgent> agent(String name) {
    return agents.stream().filter(a -> a.name().equals(name)).findFirst();
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
    if (http != null) {
      http.close();
    }
    closeAll(agent, agents);
  }

  // ---- agents' requests (AgentHttp) ----

  boolean hasAgent(String name) {
    return desk.hasAgent(name);
  }

  List<AgentSelection.AgentStatus> agentStatuses() {
    return desk.statuses();
  }

  /** The caller's SIP Call-ID an agent talks to, if any. */
  Optional<String> callerOf(String agentName) {
    return desk.sessionOf(agentName).map(s -> ((Session) s).caller.sipCallId());
  }

  /**
   * The agent asks Baton to transfer its caller to {@code to}.
   *
   * @return Baton's answer to the transfer request
   * @throws IllegalStateException if the agent talks to nobody, or a transfer already runs
   */
  CompletableFuture<BatonApi.Reply> agentTransfer(String agentName, String to) {
    Session s =
        (Session)
            desk.sessionOf(agentName)
                .orElseThrow(() -> new IllegalStateException(agentName + " is on no call"));
    return s.askTransfer(to);
  }

  // ---- each call through the IVR ----

  private void arrived(UaCall call) {
    Session session = new Session(call);
    sessions.put(call.sipCallId(), session);
    call.onDigit(d -> session.fire(new IvrCall.Digit(d)));
    call.whenFinal(
        status -> {
          if (status < 300) {
            session.chooseFlow();
          }
        });
    call.whenEnded(
        () -> {
          session.fire(new IvrCall.CallerGone());
          session.cancelTimer();
          sessions.remove(call.sipCallId());
        });
  }

  /** One received call: its IVR machine and the side effects the machine asks for. */
  private final class Session implements IvrCall.Context, AgentDesk.Session {
    final UaCall caller;
    final IvrCall ivr;
    private volatile UaCall agentLeg;
    private volatile ScheduledFuture<?> timer;
    private volatile CompletableFuture<BatonApi.Reply> transferReply =
        CompletableFuture.completedFuture(null);

    Session(UaCall caller) {
      this.caller = caller;
      this.ivr = new IvrCall(flows, this);
    }

    /** Applies an event; one refused (a bug, or a race) is logged and changes nothing. */
    void fire(IvrCall.Event event) {
      try {
        ivr.on(event);
      } catch (IllegalStateException e) {
        LOG.warn("callcenter: call {}: {}", caller.sipCallId(), e.getMessage());
      }
    }

    /** Asks Baton which DID the call came in on, and runs that DID's flow. */
    void chooseFlow() {
      Optional<String> did = Optional.empty();
      try {
        did = api.did(caller.sipCallId());
      } catch (IOException e) {
        LOG.warn("callcenter: cannot ask Baton for call {}: {}", caller.sipCallId(), e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      String flow = did.map(d -> config.ivr().dids().get(d)).orElse(config.ivr().defaultFlow());
      LOG.info("callcenter: call {} to {} runs flow {}", caller.sipCallId(), did.orElse("?"), flow);
      fire(new IvrCall.FlowChosen(flow));
    }

    CompletableFuture<BatonApi.Reply> askTransfer(String to) {
      synchronized (ivr) {
        ivr.on(new IvrCall.TransferAsked(to));
        return transferReply;
      }
    }

    @Override
    public void play(String prompt, int step) {
      caller
          .rtp()
          .source(
              Prompts.clip(prompt)
                  .once(() -> Thread.ofVirtual().start(() -> fire(new IvrCall.PromptDone(step)))));
    }

    @Override
    public void startTimer(Duration timeout, int step) {
      cancelTimer();
      timer =
          scheduler.schedule(
              () -> fire(new IvrCall.GatherTimeout(step)),
              timeout.toMillis(),
              TimeUnit.MILLISECONDS);
    }

    void cancelTimer() {
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
    }

    @Override
    public void silence() {
      caller.rtp().source(SILENCE::clone);
    }

    @Override
    public void enqueue(String queue) {
      caller.rtp().source(Prompts.clip(Prompts.HOLD).looped());
      // After the machine entered QUEUED (it holds its lock while it calls this).
      Thread.ofVirtual().start(() -> desk.enqueue(queue, this));
    }

    @Override
    public void leaveQueue() {
      desk.leave(this);
    }

    @Override
    public void transfer(String to) {
      CompletableFuture<BatonApi.Reply> reply = new CompletableFuture<>();
      transferReply = reply;
      Thread.ofVirtual().start(() -> askBaton(to, reply));
    }

    /** POST the transfer, then follow it to its final state. */
    private void askBaton(String to, CompletableFuture<BatonApi.Reply> reply) {
      String call = caller.sipCallId();
      try {
        BatonApi.Reply r = api.transfer(call, to, NOT_ANSWERED_RETRY);
        reply.complete(r);
        if (r.status() != 202) {
          LOG.warn(
              "callcenter: Baton refused to transfer {} to {}: {} {}",
              call,
              to,
              r.status(),
              r.body());
          fire(new IvrCall.TransferEnded(false, r.status() + " " + r.text("detail")));
          return;
        }
        LOG.info("callcenter: call {} transfer {} to {} asked", call, r.text("id"), to);
        Optional<String> state =
            api.awaitFinal(r.text("id"), () -> ivr.state() != IvrCall.State.ENDED);
        state.ifPresent(s -> fire(new IvrCall.TransferEnded(s.equals("completed"), s)));
      } catch (IOException e) {
        LOG.warn("callcenter: cannot ask Baton to transfer {}: {}", call, e.toString());
        reply.complete(new BatonApi.Reply(502, null));
        fire(new IvrCall.TransferEnded(false, e.toString()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void hangUp() {
      caller.hangUp();
    }

    @Override
    public void releaseAgent() {
      UaCall leg = agentLeg;
      if (leg != null && !leg.state().terminal()) {
        leg.hangUp();
      }
    }

    @Override
    public void agentAnswered(String name, UaCall leg) {
      agentLeg = leg;
      caller.rtp().source(leg.rtp().receivedFrames());
      leg.rtp().source(caller.rtp().receivedFrames());
      fire(new IvrCall.AgentAnswered(name));
    }

    @Override
    public void agentGone(UaCall leg) {
      if (agentLeg == leg) {
        agentLeg = null;
        fire(new IvrCall.AgentGone());
      }
    }

    @Override
    public boolean queued() {
      // Not "== QUEUED": the machine calls enqueue from inside its transition, so the desk's thread
      // may look before the state reads QUEUED; a caller who hung up has left the queue (ENDED).
      return ivr.state() != IvrCall.State.ENDED;
    }
  }

  private static byte[] silence() {
    byte[] frame = new byte[160];
    java.util.Arrays.fill(frame, (byte) 0xff);
    return frame;
  }
}
