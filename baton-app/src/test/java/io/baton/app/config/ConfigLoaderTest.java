package io.baton.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.sbc.Role;
import io.baton.sip.CallLifetime;
import io.baton.sip.HostPort;
import io.baton.sip.TrustPolicy;
import io.baton.sip.TrustPolicy.Peer;
import io.baton.sip.TrustPolicy.Permission;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final Path LAB = Path.of("..", "config", "lab.yaml");
  private final ConfigLoader loader = new ConfigLoader();
  @TempDir Path dir;

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("baton.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void theLabConfigurationBindsWithEveryElementAndItsDefaults() {
    BatonConfig lab = loader.load(LAB, BatonConfig.class);

    assertThat(lab.elements())
        .containsExactly(
            "pstn-sales",
            "support",
            "pstn-busy",
            "flakytel-gw",
            "callcenter",
            "sbc-dest",
            "sbc-carrier",
            "proxy",
            "redirect",
            "sbc-edge",
            "transfer");
    assertThat(lab.sbcs().get("sbc-edge").role()).isEqualTo(Role.EDGE);
    // templates.sip laid under every sip: block, the file's keys winning
    assertThat(lab.proxy().sip().threads()).isEqualTo(16);
    assertThat(lab.proxy().sip().transports()).containsExactly("udp", "tcp");
    assertThat(lab.transfer().sip().transports()).containsExactly("udp");
    // templates.sbc under each SBC, templates.endpoint under each endpoint
    assertThat(lab.sbcs().get("sbc-dest").noAnswerTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(lab.endpoints().get(0).answer().status()).isEqualTo(200);
    assertThat(lab.transfer().http()).isEqualTo(HostPort.parse("127.0.0.1:8080"));
    assertThat(lab.database().url()).isEqualTo("jdbc:h2:file:./data/baton");
    assertThat(lab.network().keySet()).startsWith("sbc-edge", "redirect", "proxy");
    // the call center: its agents, the API defaults, and a flow per DID
    assertThat(lab.callcenter().agents()).extracting(a -> a.name()).containsExactly("alice", "bob");
    assertThat(lab.callcenter().api().poll()).isEqualTo(Duration.ofMillis(500));
    assertThat(lab.callcenter().ivr().dids()).containsEntry("+18005550101", "arrival");
    assertThat(lab.callcenter().ivr().defaultFlow()).isEqualTo("menu");
    // the support endpoint plays a customer's PBX: outside the network, a place to transfer to
    assertThat(lab.transfer().policy().outsideNetwork()).containsExactly("support");
  }

  @Test
  void theNamesOutsideTheNetworkMustBeNetworkNames() throws IOException {
    String transfer = "transfer:\n  sip: {listen: 127.0.0.1:17110}\n";
    assertThat(loader.load(write(transfer), BatonConfig.class).transfer().policy().outsideNetwork())
        .isEmpty();
    assertThatThrownBy(
            () ->
                loader.load(
                    write(
                        "network: {support: 127.0.0.1:5131}\n"
                            + transfer
                            + "  policy: {outsideNetwork: [support, suport]}\n"),
                    BatonConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessage("transfer.policy.outsideNetwork[1]: 'suport' is not a name in network:");
  }

  @Test
  void sipLimitsTakeTheirDefaultsUnderEverySipBlockAndAreCheckedNamingTheKey() throws IOException {
    BatonConfig lab = loader.load(LAB, BatonConfig.class);
    assertThat(lab.transfer().sip().limits()).isEqualTo(io.baton.sip.SipLimits.DEFAULTS);
    assertThat(lab.proxy().sip().limits().exempt())
        .containsExactly("127.0.0.1:5060", "127.0.0.1:5090");
    assertThat(lab.proxy().sip().limits().maxMessageBytes()).isEqualTo(65536);
    assertThat(lab.sbcs().get("sbc-edge").sip().limits().requestsPerSecond()).isEqualTo(1000);
    assertThatThrownBy(
            () ->
                loader.load(
                    write(
                        "proxy:\n  sip: {listen: 127.0.0.1:17080, limits: {maxMessageBytes: 10}}\n"),
                    BatonConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("proxy.sip.limits.maxMessageBytes: 10 is not in 4096..");
    assertThatThrownBy(
            () ->
                loader.load(
                    write(
                        "proxy:\n  sip: {listen: 127.0.0.1:17080,"
                            + " limits: {tcpReadTimeout: 0s}}\n"),
                    BatonConfig.class))
        .hasMessageStartingWith("proxy.sip.limits.tcpReadTimeout:");
  }

  @Test
  void everySbcHoldsAtMost1600CallsByDefaultAndABadCapIsRefusedNamingTheKey() throws IOException {
    BatonConfig lab = loader.load(LAB, BatonConfig.class);
    assertThat(lab.sbcs().get("sbc-edge").admission().maxCalls()).isEqualTo(1600);
    assertThat(lab.sbcs().get("sbc-edge").admission().retryAfter())
        .isEqualTo(Duration.ofSeconds(5));

    String sbc =
        "sbcs:\n  edge-1:\n    role: edge\n    sip: {listen: 127.0.0.1:17060}\n"
            + "    redirectServer: 127.0.0.1:17070\n"
            + "    media: {anchor: true, address: 127.0.0.1, ports: 20000-20099}\n"
            + "    admission: {maxCalls: 0}\n";
    assertThatThrownBy(() -> loader.load(write(sbc), BatonConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("sbcs.edge-1.admission.maxCalls: 0 is not positive");
  }

  @Test
  void everyCallLifetimeHasItsDefaultsAndABadOneIsRefusedNamingTheKey() throws IOException {
    BatonConfig lab = loader.load(LAB, BatonConfig.class);
    CallLifetime edge = lab.sbcs().get("sbc-edge").lifetime();
    assertThat(edge.ackTimeout()).isEqualTo(Duration.ofSeconds(32));
    assertThat(edge.maxDuration()).isEqualTo(Duration.ofHours(4));
    assertThat(edge.mediaTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(edge.sessionExpires()).isEqualTo(Duration.ofSeconds(1800));
    assertThat(edge.minSE()).isEqualTo(Duration.ofSeconds(90));
    assertThat(edge.stuckLegMargin()).isEqualTo(Duration.ofSeconds(30));
    assertThat(lab.callcenter().lifetime().mediaTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(lab.endpoints().get(0).lifetime().ackTimeout()).isEqualTo(Duration.ofSeconds(32));

    String sbc =
        "sbcs:\n  edge-1:\n    role: edge\n    sip: {listen: 127.0.0.1:17060}\n"
            + "    redirectServer: 127.0.0.1:17070\n"
            + "    media: {anchor: true, address: 127.0.0.1, ports: 20000-20099}\n"
            + "    lifetime: {minSE: 30s}\n";
    assertThatThrownBy(() -> loader.load(write(sbc), BatonConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("sbcs.edge-1.lifetime.minSE: PT30S is below 90s");
    String endpoint =
        "endpoints:\n  - {name: e, sip: {listen: 127.0.0.1:17130}, lifetime: {maxDuration: 0s}}\n";
    assertThatThrownBy(() -> loader.load(write(endpoint), BatonConfig.class))
        .hasMessageStartingWith("endpoints[0].lifetime.maxDuration: PT0S is not positive");
  }

  @Test
  void aSectionLeftOutIsNotRun() throws IOException {
    BatonConfig one =
        loader.load(
            write(
                "proxy:\n  sip: {listen: 127.0.0.1:17080}\n  routes: [{prefix: '', to: 127.0.0.1:17090}]\n"),
            BatonConfig.class);
    assertThat(one.elements()).containsExactly("proxy");
    assertThat(one.redirect()).isNull();
    assertThat(one.registry().kind()).isEqualTo(RegistryConfig.Kind.MEMORY);
  }

  @Test
  void hepExportIsOffWithoutABlockAndTakesItsAgentIdByDefault() throws IOException {
    assertThat(loader.load(write("registry: {kind: memory}\n"), BatonConfig.class).hep()).isNull();
    BatonConfig on = loader.load(write("hep: {collector: 127.0.0.1:9060}\n"), BatonConfig.class);
    assertThat(on.hep().collector()).hasToString("127.0.0.1:9060");
    assertThat(on.hep().id()).isEqualTo(2001);
    assertThatThrownBy(() -> loader.load(write("hep: {id: 7}\n"), BatonConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("hep.collector: missing");
    assertThatThrownBy(
            () ->
                loader.load(
                    write(
                        "transfer:\n  sip: {listen: 127.0.0.1:17110}\n"
                            + "  cdrs: {heldPathRate: -1}\n"),
                    BatonConfig.class))
        .hasMessageStartingWith("transfer.cdrs.heldPathRate: -1 is negative");
  }

  @Test
  void anUnknownKeyIsAnErrorNamingIt() throws IOException {
    assertThatThrownBy(
            () ->
                loader.load(
                    write("proxy:\n  sip: {listen: 127.0.0.1:17080}\n  routs: []\n"),
                    BatonConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessage("proxy.routs: unknown key");
  }

  @Test
  void aBadValueIsAnErrorNamingTheFullKey() throws IOException {
    String sbc =
        "sbcs:\n  edge-1:\n    role: edge\n    sip: {listen: 127.0.0.1:17060}\n"
            + "    redirectServer: 127.0.0.1:17070\n"
            + "    media: {anchor: true, address: 127.0.0.1, ports: 9-1}\n";
    assertThatThrownBy(() -> loader.load(write(sbc), BatonConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("sbcs.edge-1.media.ports: '9-1' is not first-last");
    String transfer = sbc.replace("9-1", "20000-20099") + "    transfer: {defaultTimeout: 0s}\n";
    assertThatThrownBy(() -> loader.load(write(transfer), BatonConfig.class))
        .hasMessageStartingWith("sbcs.edge-1.transfer.defaultTimeout: PT0S is under one second");
    assertThatThrownBy(
            () -> loader.load(write("transfer:\n  sip: {listen: nowhere}\n"), BatonConfig.class))
        .hasMessageStartingWith("transfer.sip.listen: 'nowhere' is not host:port");
    assertThatThrownBy(
            () ->
                loader.load(
                    write("transfer:\n  sip: {listen: 127.0.0.1:17110}\n  notifyGrace: soon\n"),
                    BatonConfig.class))
        .hasMessageStartingWith("transfer.notifyGrace: 'soon' is not a duration");
    assertThatThrownBy(
            () -> loader.load(write("registry: {kind: carrier-pigeon}\n"), BatonConfig.class))
        .hasMessageStartingWith("registry.kind:");
  }

  @Test
  void sipTlsIsCheckedWhenReadNamingTheKey() throws Exception {
    Path keys = dir.resolve("proxy.p12");
    java.security.KeyStore empty = java.security.KeyStore.getInstance("PKCS12");
    empty.load(null, null);
    try (var out = Files.newOutputStream(keys)) {
      empty.store(out, "secret".toCharArray());
    }
    String proxy =
        "proxy:\n  sip:\n    listen: 127.0.0.1:17080\n    transports: [udp, tls]\n"
            + "    tls: {listen: 127.0.0.1:17081, keyStore: KEYS, keyStorePassword: PASSWORD,"
            + " trustStore: "
            + dir.resolve("ca.pem")
            + "}\n";
    assertThatThrownBy(
            () ->
                loader.load(
                    write(proxy.replace("KEYS", dir.resolve("missing.p12").toString())),
                    BatonConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "proxy.sip.tls.keyStore: cannot read " + dir.resolve("missing.p12"));
    String withKeys = proxy.replace("KEYS", keys.toString());
    assertThatThrownBy(
            () -> loader.load(write(withKeys.replace("PASSWORD", "guess")), BatonConfig.class))
        .hasMessageStartingWith("proxy.sip.tls.keyStorePassword: wrong password for " + keys);
    assertThatThrownBy(
            () -> loader.load(write(withKeys.replace("PASSWORD", "secret")), BatonConfig.class))
        .hasMessageStartingWith("proxy.sip.tls.keyStore: no private key entry in " + keys);
    assertThatThrownBy(
            () ->
                loader.load(
                    write("proxy:\n  sip: {listen: 127.0.0.1:17080, transports: [udp, tls]}\n"),
                    BatonConfig.class))
        .hasMessageStartingWith("proxy.sip.tls: required when transports list tls");
  }

  @Test
  void eachElementsTrustReadsLikeAnAccessList() {
    BatonConfig lab = loader.load(LAB, BatonConfig.class);

    TrustPolicy edge = lab.sbcs().get("sbc-edge").trust();
    assertThat(edge.peers()).extracting(Peer::name).containsExactly("proxy", "sbc-carrier");
    assertThat(edge.publicAccess().may())
        .containsExactly(Permission.OPTIONS, Permission.INVITE_TO_DID, Permission.IN_DIALOG);
    assertThat(lab.proxy().trust().peers())
        .extracting(p -> p.name() + " " + p.address() + " " + p.may())
        .containsExactly(
            "sbc-edge 127.0.0.1:5060 [INVITE, IN_DIALOG, OPTIONS]",
            "sbc-dest 127.0.0.1:5090 [IN_DIALOG, OPTIONS]",
            "transfer 127.0.0.1:5110 [REFER]");
    assertThat(lab.proxy().trust().publicAccess().may()).isEmpty();
    assertThat(lab.redirect().trust().peers()).extracting(Peer::name).containsExactly("sbc-edge");
    assertThat(lab.sbcs().get("sbc-carrier").trust().publicAccess().may())
        .containsExactly(Permission.IN_DIALOG);
    // Nobody is trusted with anything an element's block does not list.
    assertThat(lab.sbcs().get("sbc-dest").trust().publicAccess().may()).isEmpty();
  }

  @Test
  void aBadTrustEntryIsAnErrorNamingItsKey() throws IOException {
    String proxy = "proxy:\n  sip: {listen: 127.0.0.1:17080}\n  trust:\n    peers:\n";
    assertThatThrownBy(
            () ->
                loader.load(
                    write(proxy + "      - {name: edge, address: 127.0.0.1:17060, may: [call]}\n"),
                    BatonConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("proxy.trust.peers[0].may[0]: 'call' is not invite, invite-to-did");
    assertThatThrownBy(
            () ->
                loader.load(
                    write(proxy + "      - {name: edge, address: 'no host!', may: [invite]}\n"),
                    BatonConfig.class))
        .hasMessageStartingWith(
            "proxy.trust.peers[0].address: 'no host!' is not host or host:port");
    assertThatThrownBy(
            () ->
                loader.load(
                    write(
                        proxy
                            + "      - {name: edge, address: 127.0.0.1, may: [invite]}\n"
                            + "      - {name: edge, address: 127.0.0.2, may: [invite]}\n"),
                    BatonConfig.class))
        .hasMessageStartingWith("proxy.trust.peers[1].name: 'edge' is listed twice");
    assertThatThrownBy(
            () ->
                loader.load(
                    write(
                        "proxy:\n  sip: {listen: 127.0.0.1:17080}\n"
                            + "  trust: {public: {may: [invite-to-did]}}\n"),
                    BatonConfig.class))
        .hasMessageStartingWith("proxy.trust.public.may: invite-to-did needs the DIDs");
    // The keys trust replaced are gone, not silently ignored.
    assertThatThrownBy(
            () ->
                loader.load(
                    write(
                        "proxy:\n  sip: {listen: 127.0.0.1:17080}\n"
                            + "  trustedTransferServers: [127.0.0.1:5110]\n"),
                    BatonConfig.class))
        .hasMessage("proxy.trustedTransferServers: unknown key");
  }

  @Test
  void aCallCenterFlowIsCheckedAtStartNamingTheVerb() throws IOException {
    String cc =
        "callcenter:\n  sip: {listen: 127.0.0.1:17100}\n  api: {key: k}\n"
            + "  http: {key: agents-key-0123456789}\n"
            + "  ivr:\n    defaultFlow: menu\n    flows:\n      menu:\n"
            + "        - gather: {prompt: menu, choices: {'1': sales}}\n";
    assertThatThrownBy(() -> loader.load(write(cc), BatonConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "callcenter.ivr.flows.menu[0].gather.choices.1: 'sales' is not one of the flows");
    assertThatThrownBy(
            () ->
                loader.load(
                    write(
                        "callcenter:\n  sip: {listen: 127.0.0.1:17100}\n  api: {key: k}\n"
                            + "  http: {key: agents-key-0123456789}\n"),
                    BatonConfig.class))
        .hasMessageContaining("callcenter.ivr: missing");
    assertThatThrownBy(
            () ->
                loader.load(
                    write(
                        cc.replace(
                            "menu:\n        - gather",
                            "menu:\n        - hop: x\n        - gather")),
                    BatonConfig.class))
        .hasMessageContaining("hop");
  }

  @Test
  void referSigningIsOffByDefaultOnInTheLabAndABadBlockNamesItsKey() throws IOException {
    BatonConfig lab = loader.load(LAB, BatonConfig.class);
    assertThat(lab.transfer().referSigning().signWith()).isEqualTo("lab1");
    assertThat(lab.proxy().referSigning().enabled()).isTrue();
    assertThat(lab.sbcs().get("sbc-edge").referSigning().window())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(lab.sbcs().get("sbc-dest").referSigning().enabled()).isFalse();
    assertThat(lab.transfer().referSigning().keyRing("transfer.referSigning").orElseThrow().ids())
        .containsExactly("lab1");
    BatonConfig outsideTheLab =
        loader.load(write("proxy:\n  sip: {listen: 127.0.0.1:17080}\n"), BatonConfig.class);
    assertThat(outsideTheLab.proxy().referSigning().enabled()).isFalse();
    assertThat(outsideTheLab.proxy().referSigning().maxNonces()).isEqualTo(100_000);

    String proxy = "proxy:\n  sip: {listen: 127.0.0.1:17080}\n  referSigning:\n";
    String key = "    keys: [{id: k1, secret: 0123456789abcdef0123456789abcdef}]\n";
    assertThatThrownBy(
            () -> loader.load(write(proxy + key + "    signWith: k2\n"), BatonConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("proxy.referSigning.signWith: 'k2' is not the id of one of");
    assertThatThrownBy(
            () ->
                loader.load(
                    write(proxy + "    keys: [{id: k1, secret: short}]\n"), BatonConfig.class))
        .hasMessageStartingWith("proxy.referSigning.keys[0].secret: 5 bytes, at least 32 needed");
    assertThatThrownBy(
            () -> loader.load(write(proxy + key + "    window: 10m\n"), BatonConfig.class))
        .hasMessageStartingWith("proxy.referSigning.window: ");
    assertThatThrownBy(
            () ->
                loader.load(
                    write(
                        "sbcs:\n  sbc-dest:\n    role: dest\n    sip: {listen: 127.0.0.1:17090}\n"
                            + "    routes: [{prefix: '', to: 127.0.0.1:17100}]\n"
                            + "    referSigning:\n"
                            + key.replace("    keys", "      keys")),
                    BatonConfig.class))
        .hasMessageStartingWith("sbcs.sbc-dest.referSigning.keys: for role edge only");
  }

  @Test
  void theApiProtectionsBindWithDefaultsAndBadValuesNameTheirKey() throws IOException {
    BatonConfig lab = loader.load(LAB, BatonConfig.class);
    assertThat(lab.transfer().clients().requests().perSecond()).isEqualTo(100);
    assertThat(lab.transfer().clients().failedAuth().burst()).isEqualTo(20);
    assertThat(lab.transfer().keyCache().ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(lab.transfer().secrets().keyId()).isEqualTo("k1");
    assertThat(lab.transfer().secrets().cipher().currentKeyId()).isEqualTo("k1");
    assertThat(lab.transfer().webhooks().allowPrivate()).containsExactly("127.0.0.1");
    assertThat(lab.transfer().https()).isNull();
    assertThat(lab.callcenter().http().listen()).isEqualTo(HostPort.parse("127.0.0.1:5105"));
    BatonConfig outsideTheLab =
        loader.load(write("transfer:\n  sip: {listen: 127.0.0.1:17110}\n"), BatonConfig.class);
    assertThat(outsideTheLab.transfer().secrets().masterKey()).isEqualTo("env:BATON_MASTER_KEY");

    String transfer = "transfer:\n  sip: {listen: 127.0.0.1:17110}\n";
    assertThatThrownBy(
            () ->
                loader.load(
                    write(transfer + "  clients: {failedAuth: {perSecond: 0, burst: 5}}\n"),
                    BatonConfig.class))
        .hasMessage("transfer.clients.failedAuth.perSecond: 0.0 is not a positive number");
    assertThatThrownBy(
            () -> loader.load(write(transfer + "  rateLimit: {burst: 0}\n"), BatonConfig.class))
        .hasMessage("transfer.rateLimit.burst: 0 is below 1");
    assertThatThrownBy(
            () ->
                loader.load(
                    write(transfer + "  secrets: {masterKey: too-short}\n"), BatonConfig.class))
        .hasMessageStartingWith("transfer.secrets.masterKey: 9 bytes, at least 32 needed");
    assertThatThrownBy(
            () ->
                loader.load(
                    write(transfer + "  webhooks: {allowPrivate: [10.0.0.0/99]}\n"),
                    BatonConfig.class))
        .hasMessageStartingWith("transfer.webhooks.allowPrivate[0]: ");
    assertThatThrownBy(
            () ->
                loader.load(
                    write(transfer + "  https: {listen: 127.0.0.1:17443, password: x}\n"),
                    BatonConfig.class))
        .hasMessage("transfer.https.keyStore: missing");
    assertThatThrownBy(
            () ->
                loader.load(
                    write("callcenter:\n  sip: {listen: 127.0.0.1:17100}\n  api: {key: k}\n"),
                    BatonConfig.class))
        .hasMessageContaining("callcenter.http.key: missing");
  }

  @Test
  void brokenYamlAndMissingFilesAreReportedPlainly() throws IOException {
    assertThatThrownBy(() -> loader.load(write("proxy: [\n"), BatonConfig.class))
        .hasMessageContaining("not valid YAML at line");
    assertThatThrownBy(() -> loader.load(dir.resolve("absent.yaml"), BatonConfig.class))
        .hasMessageEndingWith("absent.yaml does not exist");
  }

  @Test
  void durationsReadAsOperatorsWriteThem() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("12h")).isEqualTo(Duration.ofHours(12));
    assertThat(Durations.parse("PT2S")).isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> Durations.parse("2 fortnights"))
        .hasMessageContaining("not a duration");
  }
}
