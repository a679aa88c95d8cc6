package io.baton.callcenter;

import io.baton.media.MediaPorts;
import io.baton.sip.CallLifetime;
import io.baton.sip.SipConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The destination server of the lab (the {@code callcenter:} block), e.g. {@code sip: {listen:
 * 127.0.0.1:5100}}, {@code media: {address: 127.0.0.1, ports: 30000-30999}}, {@code http: {listen:
 * 127.0.0.1:5105, key}}, {@code api: {url, key}}, {@code agents}, {@code queues} and {@code ivr}.
 *
 * @param http where agents' requests arrive ({@code POST /agents/{name}/transfer}) and the key they
 *     must carry
 * @param api how it asks Baton to transfer calls
 * @param agents the simulated agents, each a user agent on its own SIP address
 * @param queues queue name → the agents who answer it
 * @param ivr the IVR flows and which DID runs which
 * @param lifetime how long its calls and its agents' calls may live: unacknowledged ({@code
 *     ackTimeout}), at most ({@code maxDuration}), without RTP from the caller ({@code
 *     mediaTimeout}); absent means the defaults
 */
public record CallCenterConfig(
    SipConfig sip,
    MediaPorts media,
    AgentHttpConfig http,
    BatonApiConfig api,
    List<AgentConfig> agents,
    Map<String, List<String>> queues,
    IvrConfig ivr,
    CallLifetime lifetime) {

  public CallCenterConfig {
    if (sip == null) {
      throw new IllegalArgumentException("callcenter.sip: missing");
    }
    if (media == null) {
      throw new IllegalArgumentException("callcenter.media: missing");
    }
    if (http == null) {
      throw new IllegalArgumentException("callcenter.http: missing");
    }
    if (api == null) {
      throw new IllegalArgumentException("callcenter.api: missing");
    }
    if (ivr == null) {
      throw new IllegalArgumentException("callcenter.ivr: missing");
    }
    agents = agents == null ? List.of() : List.copyOf(agents);
    lifetime = lifetime == null ? CallLifetime.defaults() : lifetime;
    queues = queues == null ? Map.of() : Map.copyOf(queues);
    Set<String> names = new HashSet<>();
    for (AgentConfig agent : agents) {
      if (!names.add(agent.name())) {
        throw new IllegalArgumentException("callcenter.agents: '" + agent.name() + "' twice");
      }
    }
    queues.forEach(
        (queue, members) -> {
          if (members == null || members.isEmpty()) {
            throw new IllegalArgumentException("callcenter.queues." + queue + ": no agents");
          }
          for (String m : members) {
            if (!names.contains(m)) {
              throw new IllegalArgumentException(
                  "callcenter.queues." + queue + ": '" + m + "' is not one of the agents " + names);
            }
          }
        });
    ivr.verbs(queues.keySet(), Prompts.NAMES);
  }

  /** A call center whose calls have the default lifetime. */
  public CallCenterConfig(
      SipConfig sip,
      MediaPorts media,
      AgentHttpConfig http,
      BatonApiConfig api,
      List<AgentConfig> agents,
      Map<String, List<String>> queues,
      IvrConfig ivr) {
    this(sip, media, http, api, agents, queues, ivr, null);
  }

  /** The same call center with other call lifetimes. */
  public CallCenterConfig withLifetime(CallLifetime other) {
    return new CallCenterConfig(sip, media, http, api, agents, queues, ivr, other);
  }
}
