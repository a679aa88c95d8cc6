package io.baton.callcenter;

import io.baton.media.MediaPorts;
import io.baton.sip.HostPort;
import io.baton.sip.SipConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The call center of this module's tests, on 15600-15609: a menu (1 says goodbye and hangs up, 0 or
 * no input queues for alice and bob), and a Baton API address where nothing listens.
 */
final class TestConfig {
  static final String API = "http://127.0.0.1:15609";
  static final String AGENTS_KEY = "test-agents-key-0123456789";

  private TestConfig() {}

  static Verb.Spec play(String prompt) {
    return new Verb.Spec(prompt, null, null, null, null);
  }

  static Verb.Spec gather(Map<String, String> choices, Duration timeout) {
    return new Verb.Spec(
        null, new Verb.GatherSpec("menu", 1, timeout, 1, choices), null, null, null);
  }

  static Verb.Spec enqueue(String queue) {
    return new Verb.Spec(null, null, queue, null, null);
  }

  static Verb.Spec transfer(String to) {
    return new Verb.Spec(null, null, null, to, null);
  }

  static Verb.Spec hangup() {
    return new Verb.Spec(null, null, null, null, true);
  }

  static IvrConfig ivr() {
    return new IvrConfig(
        "menu",
        Map.of("+18005550101", "arrival"),
        Map.of(
            "menu",
            List.of(
                gather(Map.of("1", "bye", "0", "agent"), Duration.ofSeconds(3)), enqueue("desk")),
            "bye",
            List.of(play("goodbye"), hangup()),
            "agent",
            List.of(enqueue("desk")),
            "arrival",
            List.of(transfer("target:support"), enqueue("desk"))));
  }

  static CallCenterConfig center() {
    return new CallCenterConfig(
        SipConfig.at("127.0.0.1:15600"),
        new MediaPorts("127.0.0.1", "43300-43399"),
        new AgentHttpConfig(new HostPort("127.0.0.1", 15605), AGENTS_KEY),
        new BatonApiConfig(API, "test-key", Duration.ofMillis(200), Duration.ofSeconds(2)),
        List.of(
            new AgentConfig("alice", SipConfig.at("127.0.0.1:15603")),
            new AgentConfig("bob", SipConfig.at("127.0.0.1:15604"))),
        Map.of("desk", List.of("alice", "bob")),
        ivr());
  }
}
