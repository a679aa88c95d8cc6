package io.baton.callcenter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One call's way through the IVR: which verb of which flow runs, and what it waits for. It decides;
 * its {@link Context} plays prompts, starts timers, queues, bridges and asks Baton.
 *
 * <pre>
 * STARTING ─flow chosen→ (the flow's verbs, in order)
 *   play     → PLAYING      ─prompt done→ next verb
 *   gather   → GATHERING    ─digits complete a choice→ that flow; no match or timeout→ again or next
 *   enqueue  → QUEUED       ─agent answered→ WITH_AGENT ─agent asks a transfer→ TRANSFERRING
 *   transfer → TRANSFERRING ─failed→ next verb (or back to WITH_AGENT); completed→ wait for the BYE
 *   hangup, or the end of the flow → ENDED
 * any state ─caller gone→ ENDED
 * </pre>
 *
 * Prompt ends and timeouts carry the step that started them, so a late one from an earlier verb
 * changes nothing. Digits pressed before a gather wait for it (type-ahead). Events that can arrive
 * late by nature (a digit while talking to an agent, an agent answering after the caller left) keep
 * the state; anything else unexpected throws {@link IllegalStateException}.
 */
final class IvrCall {

  enum State {
    /** Answered; the flow is being chosen (Baton is asked for the call's DID). */
    STARTING,
    /** A {@code play} verb's prompt is playing. */
    PLAYING,
    /** A {@code gather} verb: prompt and digit collection. */
    GATHERING,
    /** Waiting in a queue for an agent, hearing the hold prompt. */
    QUEUED,
    /** Bridged to an agent. */
    WITH_AGENT,
    /** Baton was asked to transfer the call; its outcome is awaited. */
    TRANSFERRING,
    /** Hung up, by either side, or transferred away. */
    ENDED
  }

  sealed interface Event
      permits FlowChosen,
          PromptDone,
          Digit,
          GatherTimeout,
          AgentAnswered,
          AgentGone,
          TransferAsked,
          TransferEnded,
          CallerGone {}

  /** The flow the call runs, by its DID. */
  record FlowChosen(String flow) implements Event {}

  /** The prompt started at {@code step} played to its end. */
  record PromptDone(int step) implements Event {}

  /** The caller pressed a key (RFC 4733 event or SIP INFO). */
  record Digit(char digit) implements Event {}

  /** The gather timer started at {@code step} ran out. */
  record GatherTimeout(int step) implements Event {}

  /** An agent of the queue answered and is bridged to the caller. */
  record AgentAnswered(String agent) implements Event {}

  /** The agent's call ended. */
  record AgentGone() implements Event {}

  /** The agent talking to the caller asks to transfer the call to {@code to}. */
  record TransferAsked(String to) implements Event {}

  /** Baton's transfer reached a final state ({@code completed} or a failure). */
  record TransferEnded(boolean completed, String detail) implements Event {}

  /** The caller's leg ended: BYE, CANCEL, or Baton released it after a transfer. */
  record CallerGone() implements Event {}

  /** What the machine has done. */
  interface Context {
    /** Plays {@code prompt} once; {@link PromptDone} with {@code step} when it is over. */
    void play(String prompt, int step);

    /** {@link GatherTimeout} with {@code step} after {@code timeout}. */
    void startTimer(Duration timeout, int step);

    /** Silence: stops the prompt (a digit barged in). */
    void silence();

    /** Waits in {@code queue} (hearing the hold prompt); {@link AgentAnswered} when bridged. */
    void enqueue(String queue);

    /** Leaves the queue it waits in. */
    void leaveQueue();

    /** Asks Baton to transfer the call; {@link TransferEnded} once it is final. */
    void transfer(String to);

    /** Hangs up the caller. */
    void hangUp();

    /** Hangs up the agent's call, if there is one. */
    void releaseAgent();
  }

  private final Map<String, List<Verb>> flows;
  private final Context context;
  private final List<State> history = new ArrayList<>();
  private final StringBuilder digits = new StringBuilder();
  private volatile State state = State.STARTING;
  private String flow;
  private int next; // index of the verb after the running one
  private int step;
  private int attempt;
  private boolean fromAgent;
  private String agent;

  IvrCall(Map<String, List<Verb>> flows, Context context) {
    this.flows = flows;
    this.context = context;
    history.add(state);
  }

  /** Read without the machine's lock, so the desk (which the machine calls) may read it. */
  State state() {
    return state;
  }

  synchronized List<State> history() {
    return List.copyOf(history);
  }

  /** The flow it runs; null while starting. */
  synchronized String flow() {
    return flow;
  }

  /** The agent it talks to (or talked to before a transfer); null if none. */
  synchronized String agent() {
    return agent;
  }

  synchronized State on(Event event) {
    State after =
        switch (state) {
          case STARTING ->
              switch (event) {
                case FlowChosen f -> start(f.flow());
                case Digit d -> typeAhead(d);
                case CallerGone g -> State.ENDED;
                default -> illegal(event);
              };
          case PLAYING ->
              switch (event) {
                case PromptDone p when p.step() == step -> run();
                case PromptDone p -> state;
                case GatherTimeout t -> state;
                case Digit d -> typeAhead(d);
                case CallerGone g -> State.ENDED;
                default -> illegal(event);
              };
          case GATHERING ->
              switch (event) {
                case PromptDone p when p.step() == step -> waitForDigits();
                case PromptDone p -> state;
                case Digit d -> collect(d.digit());
                case GatherTimeout t when t.step() == step -> choose();
                case GatherTimeout t -> state;
                case CallerGone g -> State.ENDED;
                default -> illegal(event);
              };
          case QUEUED ->
              switch (event) {
                case AgentAnswered a -> withAgent(a.agent());
                case PromptDone p -> state;
                case GatherTimeout t -> state;
                case Digit d -> state;
                case CallerGone g -> {
                  context.leaveQueue();
                  yield State.ENDED;
                }
                default -> illegal(event);
              };
          case WITH_AGENT ->
              switch (event) {
                case TransferAsked t -> transfer(t.to(), true);
                case AgentGone g -> {
                  agent = null;
                  yield run();
                }
                case PromptDone p -> state;
                case GatherTimeout t -> state;
                case Digit d -> state;
                case CallerGone g -> {
                  context.releaseAgent();
                  yield State.ENDED;
                }
                default -> illegal(event);
              };
          case TRANSFERRING ->
              switch (event) {
                case TransferEnded e when e.completed() -> state; // Baton's BYE follows
                case TransferEnded e -> fromAgent && agent != null ? State.WITH_AGENT : run();
                case AgentGone g -> {
                  agent = null;
                  yield state;
                }
                case PromptDone p -> state;
                case GatherTimeout t -> state;
                case Digit d -> state;
                case CallerGone g -> {
                  context.releaseAgent();
                  yield State.ENDED;
                }
                default -> illegal(event);
              };
          case ENDED ->
              switch (event) {
                case AgentAnswered a -> {
                  context.releaseAgent(); // answered after the caller left
                  yield state;
                }
                case CallerGone g -> state;
                case PromptDone p -> state;
                case Digit d -> state;
                case GatherTimeout t -> state;
                case AgentGone g -> state;
                case TransferEnded e -> state;
                default -> illegal(event);
              };
        };
    if (after != state) {
      history.add(after);
    }
    state = after;
    return after;
  }

  private State illegal(Event event) {
    throw new IllegalStateException("IVR call in " + state + " cannot take " + event);
  }

  private State typeAhead(Digit d) {
    digits.append(d.digit());
    return state;
  }

  private State start(String name) {
    flow = name;
    next = 0;
    return run();
  }

  /** Runs the flow's next verb: the one state it waits in, or ENDED. */
  private State run() {
    List<Verb> verbs = flows.get(flow);
    if (next >= verbs.size()) {
      context.hangUp(); // the end of a flow ends the call
      return State.ENDED;
    }
    Verb verb = verbs.get(next++);
    return switch (verb) {
      case Verb.Play p -> {
        context.play(p.prompt(), ++step);
        yield State.PLAYING;
      }
      case Verb.Gather g -> {
        attempt = 1;
        yield prompt(g);
      }
      case Verb.Enqueue e -> {
        context.enqueue(e.queue());
        yield State.QUEUED;
      }
      case Verb.Transfer t -> transfer(t.to(), false);
      case Verb.Hangup h -> {
        context.hangUp();
        yield State.ENDED;
      }
    };
  }

  private Verb.Gather gather() {
    return (Verb.Gather) flows.get(flow).get(next - 1);
  }

  /** Plays the gather's prompt, unless digits typed ahead already answer it. */
  private State prompt(Verb.Gather g) {
    step++;
    if (!digits.isEmpty()) {
      return digits.length() >= g.maxDigits() ? choose() : waitForDigits();
    }
    context.play(g.prompt(), step);
    return State.GATHERING;
  }

  private State waitForDigits() {
    context.startTimer(gather().timeout(), step);
    return State.GATHERING;
  }

  private State collect(char digit) {
    digits.append(digit);
    if (digits.length() >= gather().maxDigits()) {
      return choose();
    }
    context.silence(); // barge-in: the prompt stops at the first key
    step++;
    return waitForDigits();
  }

  /** Digits complete (or time is up): the chosen flow, the gather again, or the next verb. */
  private State choose() {
    Verb.Gather g = gather();
    String pressed = digits.toString();
    digits.setLength(0);
    String chosen = g.choices().get(pressed);
    if (chosen != null) {
      return start(chosen);
    }
    if (attempt < g.attempts()) {
      attempt++;
      return prompt(g);
    }
    return run();
  }

  private State withAgent(String name) {
    agent = name;
    return State.WITH_AGENT;
  }

  private State transfer(String to, boolean askedByAgent) {
    fromAgent = askedByAgent;
    context.transfer(to);
    return State.TRANSFERRING;
  }
}
