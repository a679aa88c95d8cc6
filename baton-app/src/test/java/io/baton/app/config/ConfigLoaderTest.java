package io.baton.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.sbc.Role;
import io.baton.sip.HostPort;
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
  void aCallCenterFlowIsCheckedAtStartNamingTheVerb() throws IOException {
    String cc =
        "callcenter:\n  sip: {listen: 127.0.0.1:17100}\n  api: {key: k}\n"
            + "  ivr:\n    defaultFlow: menu\n    flows:\n      menu:\n"
            + "        - gather: {prompt: menu, choices: {'1': sales}}\n";
    assertThatThrownBy(() -> loader.load(write(cc), BatonConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "callcenter.ivr.flows.menu[0].gather.choices.1: 'sales' is not one of the flows");
    assertThatThrownBy(
            () ->
                loader.load(
                    write("callcenter:\n  sip: {listen: 127.0.0.1:17100}\n  api: {key: k}\n"),
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
