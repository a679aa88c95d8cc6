package io.baton.redirect;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.routing.CallerId;
import io.baton.routing.Carrier;
import io.baton.routing.Rate;
import io.baton.routing.RedirectInfo;
import io.baton.sip.HostPort;
import io.baton.store.Did;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RoutingSnapshotTest {
  private static final HostPort CORE = new HostPort("127.0.0.1", 5080);
  private static final List<Carrier> CARRIERS =
      List.of(
          new Carrier("pricey", "10.0.0.2:5060", true, CallerId.KEEP, RedirectInfo.HISTORY_INFO),
          new Carrier("cheapnet", "10.0.0.1:5060", true, CallerId.DID, RedirectInfo.DIVERSION));
  private static final List<Rate> RATES =
      List.of(
          new Rate("pricey", "+1646", new BigDecimal("0.0120")),
          new Rate("cheapnet", "+1646", new BigDecimal("0.0040")));

  private static RoutingSnapshot snapshot(List<Did> dids) {
    return RoutingSnapshot.of(dids, CARRIERS, RATES, Instant.EPOCH);
  }

  @Test
  void aDidRedirectedToANumberGoesThroughTheCoreProxy() {
    RoutingSnapshot s =
        snapshot(List.of(new Did("+18005550100", "acme", "+13125550100", null, true)));

    assertThat(s.lookup("+18005550100", CORE)).containsExactly("sip:+13125550100@127.0.0.1:5080");
  }

  @Test
  void aDidRedirectedToASipUriGoesThere() {
    RoutingSnapshot s =
        snapshot(List.of(new Did("+18005550102", "acme", "sip:ivr@10.0.0.9:5100", null, true)));

    assertThat(s.lookup("+18005550102", CORE)).containsExactly("sip:ivr@10.0.0.9:5100");
  }

  @Test
  void aDisabledDidGoesNowhereEvenWhereCarriersWouldReachIt() {
    RoutingSnapshot s =
        snapshot(List.of(new Did("+16465550100", "acme", "+13125550100", null, false)));

    assertThat(s.lookup("+16465550100", CORE)).isEmpty();
  }

  @Test
  void anyOtherNumberGoesToItsCarriersCheapestFirst() {
    assertThat(snapshot(List.of()).lookup("+16465550111", CORE))
        .containsExactly(
            "sip:+16465550111@10.0.0.1:5060;carrier=cheapnet;cid=did;ri=diversion",
            "sip:+16465550111@10.0.0.2:5060;carrier=pricey;cid=keep;ri=history-info");
    assertThat(snapshot(List.of()).lookup("+442071234567", CORE)).isEmpty();
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
                      true,
                      CallerId.KEEP,
                      RedirectInfo.NONE));
              rates.add(new Rate("c" + (char) ('a' + i), "+1", BigDecimal.valueOf(i)));
            });
    RoutingSnapshot s = RoutingSnapshot.of(List.of(), carriers, rates, Instant.EPOCH);

    List<String> contacts = s.lookup("+16465550111", CORE);
    assertThat(contacts).hasSize(RoutingSnapshot.MAX_CONTACTS);
    assertThat(contacts.get(9)).endsWith(";carrier=cj;cid=keep;ri=none");
  }
}
