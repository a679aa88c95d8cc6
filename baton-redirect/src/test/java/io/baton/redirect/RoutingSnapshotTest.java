package io.baton.redirect;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import io.baton.routing.Carrier;
import io.baton.routing.CarrierStatus;
import io.baton.routing.LeastCostRouter;
import io.baton.routing.Rate;
import io.baton.routing.RateIndex;
import io.baton.routing.TimeWindow;
import io.baton.routing.Transport;
import io.baton.sip.NextHop;
import io.baton.store.Did;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RoutingSnapshotTest {
  private static final NextHop CORE = NextHop.parse("127.0.0.1:5080");
  private static final Instant NOW = Instant.parse("2026-11-23T15:00:00Z"); // Monday 10:00 NY
  private static final List<Carrier> CARRIERS =
      List.of(
          new Carrier("pricey", "10.0.0.2:5060", CallerId.KEEP, RedirectInfo.HISTORY_INFO),
          new Carrier("cheapnet", "10.0.0.1:5060", CallerId.DID, RedirectInfo.DIVERSION));
  private static final List<Rate> RATES =
      List.of(
          new Rate("pricey", "+1646", new BigDecimal("0.0120")),
          new Rate("cheapnet", "+1646", new BigDecimal("0.0040")));

  private static RoutingSnapshot snapshot(List<Did> dids) {
    return of(dids, CARRIERS, RATES);
  }

  private static RoutingSnapshot of(List<Did> dids, List<Carrier> carriers, List<Rate> rates) {
    return RoutingSnapshot.of(
        dids, carriers, new LeastCostRouter(carriers, RateIndex.of(rates), 60), 1, Instant.EPOCH);
  }

  private static List<String> lookup(RoutingSnapshot s, String number) {
    return s.lookup(number, CORE, NOW, CarrierStatus.IDLE, null);
  }

  @Test
  void aDidRedirectedToANumberGoesThroughTheCoreProxy() {
    RoutingSnapshot s = snapshot(List.of(new Did("+18005550100", "acme", "+13125550100", true)));

    assertThat(lookup(s, "+18005550100")).containsExactly("sip:+13125550100@127.0.0.1:5080");
  }

  @Test
  void aDidRedirectedToASipUriGoesThere() {
    RoutingSnapshot s =
        snapshot(List.of(new Did("+18005550102", "acme", "sip:ivr@10.0.0.9:5100", true)));

    assertThat(lookup(s, "+18005550102")).containsExactly("sip:ivr@10.0.0.9:5100");
  }

  @Test
  void aDisabledDidGoesNowhereEvenWhereCarriersWouldReachIt() {
    RoutingSnapshot s = snapshot(List.of(new Did("+16465550100", "acme", "+13125550100", false)));

    assertThat(lookup(s, "+16465550100")).isEmpty();
  }

  @Test
  void anyOtherNumberGoesToItsCarriersCheapestFirst() {
    assertThat(lookup(snapshot(List.of()), "+16465550111"))
        .containsExactly(
            "sip:+16465550111@10.0.0.1:5060;carrier=cheapnet;cid=did;ri=diversion",
            "sip:+16465550111@10.0.0.2:5060;carrier=pricey;cid=keep;ri=history-info");
    assertThat(lookup(snapshot(List.of()), "+442071234567")).isEmpty();
  }

  @Test
  void atMostTenContactsAreOffered() {
    List<Carrier> carriers = new ArrayList<>();
    List<Rate> rates = new ArrayList<>();
    IntStream.range(0, 12)
        .forEach(
            i -> {
              carriers.add(
                  new Carrier(
                      "c" + (char) ('a' + i),
                      "10.0.0." + i + ":5060",
                      CallerId.KEEP,
                      RedirectInfo.NONE));
              rates.add(new Rate("c" + (char) ('a' + i), "+1", BigDecimal.valueOf(i)));
            });
    RoutingSnapshot s = of(List.of(), carriers, rates);

    List<String> contacts = lookup(s, "+16465550111");
    assertThat(contacts).hasSize(RoutingSnapshot.MAX_CONTACTS);
    assertThat(contacts.get(9)).endsWith(";carrier=cj;cid=keep;ri=none");
  }

  @Test
  void aDidFollowsItsScheduleInItsTimeZone() {
    Did did =
        new Did(
            "+18005550100",
            "acme",
            "+13125550100",
            true,
            java.time.ZoneId.of("America/New_York"),
            List.of(
                new Did.Schedule(
                    TimeWindow.parse("mon-fri", "09:00", "17:00"), "sip:office@10.0.0.9:5100")));
    RoutingSnapshot s = snapshot(List.of(did));

    assertThat(s.lookup("+18005550100", CORE, NOW, CarrierStatus.IDLE, null))
        .containsExactly("sip:office@10.0.0.9:5100");
    assertThat(s.lookup("+18005550100", CORE, NOW.plusSeconds(8 * 3600), CarrierStatus.IDLE, null))
        .containsExactly("sip:+13125550100@127.0.0.1:5080"); // 18:00 in New York
  }

  @Test
  void eachGatewayUpOfACarrierIsAContactInOrderTcpOnesSaySo() {
    Carrier twoGateways =
        new Carrier(
            "cheapnet",
            List.of("10.0.0.1:5060", "10.0.0.3:5060", "10.0.0.4:5060"),
            Transport.TCP,
            true,
            100,
            null,
            CallerId.DID,
            RedirectInfo.DIVERSION);
    RoutingSnapshot s = of(List.of(), List.of(twoGateways, CARRIERS.get(0)), RATES);
    CarrierStatus oneDown =
        new CarrierStatus() {
          @Override
          public boolean up(String gateway) {
            return !gateway.equals("10.0.0.3:5060");
          }

          @Override
          public int activeCalls(String carrier) {
            return 0;
          }
        };

    assertThat(s.lookup("+16465550111", CORE, NOW, oneDown, null))
        .containsExactly(
            "sip:+16465550111@10.0.0.1:5060;transport=tcp;carrier=cheapnet;cid=did;ri=diversion",
            "sip:+16465550111@10.0.0.4:5060;transport=tcp;carrier=cheapnet;cid=did;ri=diversion",
            "sip:+16465550111@10.0.0.2:5060;carrier=pricey;cid=keep;ri=history-info");
  }

  @Test
  void aCeilingLeavesOutEveryCarrierDearerThanItButNotADid() {
    RoutingSnapshot s = snapshot(List.of(new Did("+18005550100", "acme", "+13125550100", true)));

    assertThat(s.lookup("+16465550111", CORE, NOW, CarrierStatus.IDLE, new BigDecimal("0.01")))
        .containsExactly("sip:+16465550111@10.0.0.1:5060;carrier=cheapnet;cid=did;ri=diversion");
    assertThat(s.lookup("+16465550111", CORE, NOW, CarrierStatus.IDLE, new BigDecimal("0.012")))
        .hasSize(2); // at the ceiling is under it
    assertThat(s.lookup("+16465550111", CORE, NOW, CarrierStatus.IDLE, new BigDecimal("0.001")))
        .isEmpty();
    assertThat(s.lookup("+18005550100", CORE, NOW, CarrierStatus.IDLE, BigDecimal.ZERO))
        .containsExactly("sip:+13125550100@127.0.0.1:5080");
  }
}
