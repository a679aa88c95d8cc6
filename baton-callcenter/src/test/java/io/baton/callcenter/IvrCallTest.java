package io.baton.callcenter;

import static io.baton.callcenter.IvrCall.State.ENDED;
import static io.baton.callcenter.IvrCall.State.GATHERING;
import static io.baton.callcenter.IvrCall.State.PLAYING;
import static io.baton.callcenter.IvrCall.State.QUEUED;
import static io.baton.callcenter.IvrCall.State.STARTING;
import static io.baton.callcenter.IvrCall.State.TRANSFERRING;
import static io.baton.callcenter.IvrCall.State.WITH_AGENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.callcenter.IvrCall.AgentAnswered;
import io.baton.callcenter.IvrCall.AgentGone;
import io.baton.callcenter.IvrCall.CallerGone;
import io.baton.callcenter.IvrCall.Digit;
import io.baton.callcenter.IvrCall.FlowChosen;
import io.baton.callcenter.IvrCall.GatherTimeout;
import io.baton.callcenter.IvrCall.PromptDone;
import io.baton.callcenter.IvrCall.TransferAsked;
import io.baton.callcenter.IvrCall.TransferEnded;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The IVR machine alone, with a context that records what it was asked to do. */
class IvrCallTest {
  private final List<String> did = new ArrayList<>();
  private int lastStep;

  private final IvrCall.Context context =
      new IvrCall.Context() {
        @Override
        public void play(String prompt, int step) {
          lastStep = step;
          did.add("play " + prompt);
        }

        @Override
        public void startTimer(Duration timeout, int step) {
          lastStep = step;
          did.add("timer " + timeout.toSeconds() + "s");
        }

        @Override
        public void silence() {
          did.add("silence");
        }

        @Override
        public void enqueue(String queue) {
          did.add("enqueue " + queue);
        }

        @Override
        public void leaveQueue() {
          did.add("leave queue");
        }

        @Override
        public void transfer(String to) {
          did.add("transfer " + to);
        }

        @Override
        public void hangUp() {
          did.add("hang up");
        }

        @Override
        public void releaseAgent() {
          did.add("release agent");
        }
      };

  private IvrCall call() {
    return new IvrCall(TestConfig.ivr().verbs(Set.of("desk"), Prompts.NAMES), context);
  }

  @Test
  void aChoiceRunsItsFlowToTheEnd() {
    IvrCall ivr = call();
    assertThat(ivr.on(new FlowChosen("menu"))).isEqualTo(GATHERING);
    assertThat(ivr.on(new PromptDone(lastStep))).isEqualTo(GATHERING);
    assertThat(ivr.on(new Digit('1'))).isEqualTo(PLAYING);
    assertThat(ivr.on(new PromptDone(lastStep))).isEqualTo(ENDED);
    assertThat(did).containsExactly("play menu", "timer 3s", "play goodbye", "hang up");
    assertThat(ivr.history()).containsExactly(STARTING, GATHERING, PLAYING, ENDED);
  }

  @Test
  void noInputGoesOnWithTheNextVerbAndAStaleTimeoutChangesNothing() {
    IvrCall ivr = call();
    ivr.on(new FlowChosen("menu"));
    int menuStep = lastStep;
    ivr.on(new PromptDone(menuStep));
    assertThat(ivr.on(new GatherTimeout(menuStep - 1))).isEqualTo(GATHERING);
    assertThat(ivr.on(new GatherTimeout(lastStep))).isEqualTo(QUEUED);
    assertThat(ivr.on(new GatherTimeout(lastStep))).isEqualTo(QUEUED);
    assertThat(did).endsWith("enqueue desk");
  }

  @Test
  void anUnknownDigitIsNoChoiceAndDigitsTypedAheadAnswerTheGather() {
    IvrCall ivr = call();
    assertThat(ivr.on(new Digit('0'))).isEqualTo(STARTING); // pressed before the menu started
    assertThat(ivr.on(new FlowChosen("menu"))).isEqualTo(QUEUED); // 0 → agent flow
    assertThat(did).containsExactly("enqueue desk");

    IvrCall other = call();
    other.on(new FlowChosen("menu"));
    assertThat(other.on(new Digit('7'))).isEqualTo(QUEUED); // no such choice, one attempt
  }

  @Test
  void anAgentAsksATransferAFailureKeepsTheCallerWithTheAgent() {
    IvrCall ivr = call();
    ivr.on(new FlowChosen("agent"));
    assertThat(ivr.on(new AgentAnswered("alice"))).isEqualTo(WITH_AGENT);
    assertThat(ivr.agent()).isEqualTo("alice");
    assertThat(ivr.on(new TransferAsked("target:support"))).isEqualTo(TRANSFERRING);
    assertThatThrownBy(() -> ivr.on(new TransferAsked("target:sales")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TRANSFERRING");
    assertThat(ivr.on(new TransferEnded(false, "failed"))).isEqualTo(WITH_AGENT);
    ivr.on(new TransferAsked("target:sales"));
    assertThat(ivr.on(new TransferEnded(true, "completed"))).isEqualTo(TRANSFERRING);
    assertThat(ivr.on(new CallerGone())).isEqualTo(ENDED);
    assertThat(did)
        .containsExactly(
            "enqueue desk", "transfer target:support", "transfer target:sales", "release agent");
  }

  @Test
  void onArrivalTransfersAtOnceAndAFailedTransferGoesOnWithTheFlow() {
    IvrCall ivr = call();
    assertThat(ivr.on(new FlowChosen("arrival"))).isEqualTo(TRANSFERRING);
    assertThat(ivr.on(new Digit('5'))).isEqualTo(TRANSFERRING);
    assertThat(ivr.on(new TransferEnded(false, "409"))).isEqualTo(QUEUED);
    assertThat(did).containsExactly("transfer target:support", "enqueue desk");
  }

  @Test
  void theCallerLeavingTheQueueAndAnAgentAnsweringTooLate() {
    IvrCall ivr = call();
    ivr.on(new FlowChosen("agent"));
    assertThat(ivr.on(new CallerGone())).isEqualTo(ENDED);
    assertThat(ivr.on(new AgentAnswered("bob"))).isEqualTo(ENDED);
    assertThat(did).containsExactly("enqueue desk", "leave queue", "release agent");
  }

  @Test
  void theAgentHangingUpGoesOnWithTheFlowWhoseEndHangsUp() {
    IvrCall ivr = call();
    ivr.on(new FlowChosen("agent"));
    ivr.on(new AgentAnswered("bob"));
    assertThat(ivr.on(new AgentGone())).isEqualTo(ENDED);
    assertThat(did).containsExactly("enqueue desk", "hang up");
  }

  @Test
  void illegalEventsThrowNamingStateAndEvent() {
    IvrCall ivr = call();
    assertThatThrownBy(() -> ivr.on(new AgentAnswered("alice")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("STARTING")
        .hasMessageContaining("AgentAnswered");
    ivr.on(new FlowChosen("menu"));
    assertThatThrownBy(() -> ivr.on(new TransferAsked("target:sales")))
        .hasMessageContaining("GATHERING");
  }

  @Test
  void configurationErrorsNameTheKey() {
    assertThatThrownBy(
            () ->
                new IvrConfig(
                        "menu",
                        Map.of(),
                        Map.of("menu", List.of(new Verb.Spec("menu", null, "desk", null, null))))
                    .verbs(Set.of("desk"), Prompts.NAMES))
        .hasMessage(
            "callcenter.ivr.flows.menu[0]: one of play, gather, enqueue, transfer, hangup expected,"
                + " 2 given");
    assertThatThrownBy(
            () ->
                new IvrConfig("menu", Map.of(), Map.of("menu", List.of(TestConfig.play("jingle"))))
                    .verbs(Set.of(), Prompts.NAMES))
        .hasMessageStartingWith(
            "callcenter.ivr.flows.menu[0].play: 'jingle' is not one of the prompts");
    assertThatThrownBy(
            () ->
                new IvrConfig(
                        "menu",
                        Map.of(),
                        Map.of(
                            "menu",
                            List.of(
                                TestConfig.gather(Map.of("12", "menu"), Duration.ofSeconds(1)))))
                    .verbs(Set.of(), Prompts.NAMES))
        .hasMessage("callcenter.ivr.flows.menu[0].gather.choices: '12' is not 1..1 DTMF digits");
    assertThatThrownBy(
            () ->
                new IvrConfig("menu", Map.of(), Map.of("menu", List.of(TestConfig.enqueue("x"))))
                    .verbs(Set.of("desk"), Prompts.NAMES))
        .hasMessageStartingWith(
            "callcenter.ivr.flows.menu[0].enqueue: 'x' is not one of the queues");
    assertThatThrownBy(
            () ->
                new IvrConfig(
                        "menu", Map.of(), Map.of("menu", List.of(TestConfig.transfer("sales"))))
                    .verbs(Set.of(), Prompts.NAMES))
        .hasMessageContaining("'sales' is not target:<name>");
    assertThatThrownBy(
            () -> new IvrConfig("main", Map.of(), Map.of("menu", List.of(TestConfig.hangup()))))
        .hasMessageStartingWith("callcenter.ivr.defaultFlow: 'main' is not one of the flows");
    assertThatThrownBy(
            () -> new IvrConfig("menu", Map.of("18005550100", "menu"), Map.of("menu", List.of())))
        .hasMessageContaining("'18005550100' is not an E.164 number");
  }

  @Test
  void everyShippedPromptIsSpeechOfAFewSeconds() {
    for (String name : Prompts.NAMES) {
      assertThat(Prompts.clip(name).length())
          .as(name)
          .isBetween(Duration.ofMillis(800), Duration.ofSeconds(15));
      var frames = Prompts.clip(name).once(() -> {});
      double loudest = 0;
      for (int i = 0; i < 50; i++) {
        loudest = Math.max(loudest, io.baton.media.G711.ulawRms(frames.get()));
      }
      assertThat(loudest).as("%s is sound, not silence", name).isGreaterThan(1000);
    }
    assertThatThrownBy(() -> Prompts.clip("jingle")).hasMessageContaining("no prompt 'jingle'");
  }
}
