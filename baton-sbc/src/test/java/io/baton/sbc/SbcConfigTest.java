package io.baton.sbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import io.baton.sip.HostPort;
import io.baton.sip.NextHop;
import io.baton.sip.PrefixRoute;
import io.baton.sip.SipConfig;
import io.baton.sip.TrustPolicy;
import io.baton.sip.TrustPolicy.Peer;
import io.baton.sip.TrustPolicy.Permission;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SbcConfigTest {
  private static final SipConfig SIP = SipConfig.at("127.0.0.1:5060");
  private static final MediaConfig ANCHOR = new MediaConfig(true, "127.0.0.1", "20000-29999");

  /** The lab's {@code sbcs:} block (config/lab.yaml), plus the sip thread count from defaults. */
  private static final String LAB =
      """
      sbcs:
        sbc-edge:
          role: edge
          sip: {listen: 127.0.0.1:5060, threads: 16}
          redirectServer: 127.0.0.1:5070
          trust:
            peers:
              - {name: proxy, address: 127.0.0.1:5080, may: [refer, in-dialog, options]}
              - {name: sbc-carrier, address: 127.0.0.1:5120, may: [in-dialog, options]}
            public: {may: [options, invite-to-did, in-dialog]}
          media: {anchor: true, address: 127.0.0.1, ports: 20000-29999}
          transfer: {callerId: did, redirectInfo: history-info}
        sbc-dest:
          role: dest
          sip: {listen: 127.0.0.1:5090, threads: 16}
          routes: [{prefix: "", to: 127.0.0.1:5100}]
          trust:
            peers:
              - {name: proxy, address: 127.0.0.1:5080, may: [invite, in-dialog, options]}
              - {name: callcenter, address: 127.0.0.1, tls: {identity: cc.example}, may: [in-dialog]}
        sbc-carrier:
          role: carrier
          sip: {listen: 127.0.0.1:5120, threads: 16}
          routes: [{prefix: "+1646", to: 127.0.0.1:5130}]
          trust:
            peers: [{name: sbc-edge, address: 127.0.0.1:5060, may: [invite, in-dialog, options]}]
            public: {may: [in-dialog]}
          noAnswerTimeout: 90s
          transfer: {defaultTimeout: 20s}
      """;

  /** Binds YAML as baton-app does: records by component name, host:port and 30s-style values. */
  private static Map<String, SbcConfig> bind(String yaml) throws IOException {
    SimpleModule values = new SimpleModule();
    values.addDeserializer(
        HostPort.class,
        new JsonDeserializer<>() {
          @Override
          public HostPort deserialize(JsonParser p, DeserializationContext c) throws IOException {
            return HostPort.parse(p.getValueAsString());
          }
        });
    values.addDeserializer(
        Duration.class,
        new JsonDeserializer<>() {
          @Override
          public Duration deserialize(JsonParser p, DeserializationContext c) throws IOException {
            String s = p.getValueAsString();
            return s.endsWith("ms")
                ? Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)))
                : Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
          }
        });
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory()).registerModule(values);
    Map<String, Map<String, SbcConfig>> root =
        mapper.readValue(yaml, new TypeReference<Map<String, Map<String, SbcConfig>>>() {});
    return root.get("sbcs");
  }

  @Test
  void theLabsSbcsBindWithTheirDefaults() throws IOException {
    Map<String, SbcConfig> sbcs = bind(LAB);

    SbcConfig edge = sbcs.get("sbc-edge");
    assertThat(edge.role()).isEqualTo(Role.EDGE);
    assertThat(edge.redirectServer()).isEqualTo(NextHop.parse("127.0.0.1:5070"));
    assertThat(edge.media().pool().capacity()).isEqualTo(5000);
    assertThat(edge.noAnswerTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(edge.transfer())
        .isEqualTo(
            new TransferConfig(
                Duration.ofSeconds(30),
                Duration.ofSeconds(300),
                CallerId.DID,
                RedirectInfo.HISTORY_INFO));
    assertThat(edge.trust().peerAt(HostPort.parse("127.0.0.1:5080")).map(Peer::name))
        .contains("proxy");
    assertThat(edge.trust().peerAt(HostPort.parse("127.0.0.1:5110"))).isEmpty();
    assertThat(edge.trust().publicAccess().may())
        .containsExactly(Permission.OPTIONS, Permission.INVITE_TO_DID, Permission.IN_DIALOG);

    SbcConfig dest = sbcs.get("sbc-dest");
    assertThat(dest.role()).isEqualTo(Role.DEST);
    assertThat(dest.routes())
        .containsExactly(new PrefixRoute("", HostPort.parse("127.0.0.1:5100")));
    assertThat(dest.media().anchor()).isFalse();
    assertThat(dest.trust().peers().get(1).tls()).isEqualTo(new TrustPolicy.Tls("cc.example"));
    assertThat(dest.trust().publicAccess().may()).isEmpty();

    SbcConfig carrier = sbcs.get("sbc-carrier");
    assertThat(carrier.role()).isEqualTo(Role.CARRIER);
    assertThat(carrier.noAnswerTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(carrier.transfer().defaultTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(carrier.transfer().maxTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(carrier.transfer().sipTargetIdentity()).isEqualTo(CallerIdentity.UNCHANGED);
  }

  @Test
  void unknownCallerIdentityChoicesNameTheKey() {
    assertThatThrownBy(() -> bind(LAB.replace("callerId: did", "callerId: anonymous")))
        .hasMessageContaining("transfer.callerId: 'anonymous' is not keep or did");
    assertThatThrownBy(() -> bind(LAB.replace("redirectInfo: history-info", "redirectInfo: pai")))
        .hasMessageContaining(
            "transfer.redirectInfo: 'pai' is not none, diversion or history-info");
  }

  @Test
  void badTrustEntriesNameTheirKey() {
    assertThatThrownBy(
            () -> bind(LAB.replace("may: [invite, in-dialog, options]}]", "may: [call]}]")))
        .hasMessageContaining(
            "'call' is not invite, invite-to-did, refer, options, in-dialog or other");
    assertThatThrownBy(
            () -> bind(LAB.replace("address: 127.0.0.1:5060, may", "address: nowhere!, may")))
        .hasMessageContaining("'nowhere!' is not host or host:port");
    assertThatThrownBy(() -> bind(LAB.replace("may: [in-dialog]}\n", "may: [invite-to-did]}\n")))
        .hasMessageContaining("trust.peers[1].may: invite-to-did needs the DIDs");
  }

  @Test
  void anUnknownRoleNamesTheKey() {
    assertThatThrownBy(() -> bind(LAB.replace("role: dest", "role: core")))
        .hasMessageContaining("role: 'core' is not edge, dest or carrier");
  }

  @Test
  void edgeNeedsARedirectServerAndAnchoredMedia() {
    assertThatThrownBy(() -> config(Role.EDGE, null, null, ANCHOR))
        .hasMessage("redirectServer: required for role edge");
    assertThatThrownBy(() -> config(Role.EDGE, HostPort.parse("127.0.0.1:5070"), null, null))
        .hasMessageStartingWith("media.anchor: must be true for role edge");
  }

  @Test
  void destAndCarrierNeedRoutes() {
    assertThatThrownBy(() -> config(Role.DEST, null, List.of(), null))
        .hasMessageStartingWith("routes: required for role dest");
    assertThatThrownBy(() -> config(Role.CARRIER, null, null, null))
        .hasMessageStartingWith("routes: required for role carrier");
  }

  @Test
  void mediaPortsAreARangeAndAnchoringNeedsAnAddress() {
    assertThatThrownBy(() -> new MediaConfig(true, "127.0.0.1", "20000"))
        .hasMessageStartingWith("media.ports: '20000' is not first-last");
    assertThatThrownBy(() -> new MediaConfig(true, "127.0.0.1", "30000-20000"))
        .hasMessageStartingWith("media.ports:");
    assertThatThrownBy(() -> new MediaConfig(true, "127.0.0.1", "80-200"))
        .hasMessageStartingWith("media.ports:");
    assertThatThrownBy(() -> new MediaConfig(true, null, "20000-29999"))
        .hasMessage("media.address: required when media.anchor is true");
  }

  @Test
  void timeoutsAndTrustEntriesAreChecked() {
    assertThatThrownBy(
            () -> new TransferConfig(Duration.ofSeconds(60), Duration.ofSeconds(30), null, null))
        .hasMessageStartingWith("transfer.maxTimeout:");
    assertThatThrownBy(
            () ->
                new SbcConfig(
                    Role.DEST,
                    SIP,
                    null,
                    List.of(new PrefixRoute("", HostPort.parse("127.0.0.1:5100"))),
                    TrustPolicy.publicMay(TrustPolicy.Permission.INVITE_TO_DID),
                    null,
                    null,
                    null))
        .hasMessageStartingWith("trust.public.may: invite-to-did needs the DIDs");
    assertThatThrownBy(
            () ->
                new SbcConfig(
                    Role.EDGE,
                    SIP,
                    HostPort.parse("127.0.0.1:5070"),
                    null,
                    null,
                    ANCHOR,
                    Duration.ZERO,
                    null))
        .hasMessageStartingWith("noAnswerTimeout:");
  }

  private static SbcConfig config(
      Role role, HostPort redirect, List<PrefixRoute> routes, MediaConfig media) {
    return new SbcConfig(role, SIP, redirect, routes, null, media, null, null);
  }
}
