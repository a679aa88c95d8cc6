package io.baton.sbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import io.baton.sip.Messages;
import io.baton.sip.PeerNames;
import javax.sip.address.SipURI;
import org.junit.jupiter.api.Test;

/**
 * How a transfer's new leg presents the call, from plain data (docs "Transfers that always
 * finish").
 */
class CallerIdentityTest {
  private static final String DID = "sip:+18005550100@127.0.0.1:5060";
  private static final String TARGET = "sip:+16465550111@127.0.0.1:5120;carrier=cheapnet";

  private static SipURI uri(String text) {
    return (SipURI) Messages.get().parseUri(text);
  }

  @Test
  void theRedirectServersContactParametersChooseAndAreNotDialled() {
    Target target = Target.ofContact(uri(TARGET + ";cid=did;ri=history-info"), PeerNames.none());

    assertThat(target.identity())
        .isEqualTo(new CallerIdentity(CallerId.DID, RedirectInfo.HISTORY_INFO));
    assertThat(target.uri().toString()).isEqualTo(TARGET);
    assertThat(target.carrier()).isEqualTo("cheapnet");
  }

  @Test
  void absentOrUnknownParametersChangeNothing() {
    assertThat(CallerIdentity.ofContact(uri(TARGET))).isEqualTo(CallerIdentity.UNCHANGED);
    assertThat(CallerIdentity.ofContact(uri(TARGET + ";cid=anonymous;ri=diversion")))
        .isEqualTo(new CallerIdentity(CallerId.KEEP, RedirectInfo.DIVERSION));
    assertThat(CallerIdentity.ofContact(uri(TARGET + ";cid=DID;ri=pai")))
        .isEqualTo(new CallerIdentity(CallerId.DID, RedirectInfo.NONE));
  }

  @Test
  void theDidIsPresentedOnlyWhenAsked() {
    assertThat(new CallerIdentity(CallerId.DID, RedirectInfo.NONE).from(DID)).contains(DID);
    assertThat(CallerIdentity.UNCHANGED.from(DID)).isEmpty();
  }

  @Test
  void diversionNamesTheDidAsADeflection() {
    assertThat(
            new CallerIdentity(CallerId.KEEP, RedirectInfo.DIVERSION).redirectHeader(DID, TARGET))
        .contains(
            new HeaderField(
                "Diversion", "<sip:+18005550100@127.0.0.1:5060>;reason=deflection;counter=1"));
  }

  @Test
  void historyInfoHasTheDidAsEntryOneAndTheNewTargetMappedFromIt() {
    assertThat(
            new CallerIdentity(CallerId.KEEP, RedirectInfo.HISTORY_INFO)
                .redirectHeader(DID, TARGET))
        .contains(
            new HeaderField(
                "History-Info",
                "<sip:+18005550100@127.0.0.1:5060>;index=1,"
                    + " <sip:+16465550111@127.0.0.1:5120;carrier=cheapnet>;index=1.1;mp=1"));
    assertThat(CallerIdentity.UNCHANGED.redirectHeader(DID, TARGET)).isEmpty();
  }
}
