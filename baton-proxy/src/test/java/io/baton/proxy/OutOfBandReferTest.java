package io.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.PeerNames;
import io.baton.sip.PrefixRoute;
import io.baton.sip.RequestBuilder;
import io.baton.sip.SipConfig;
import io.baton.sip.SipFrag;
import io.baton.sip.TargetDialog;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.Dialog;
import javax.sip.header.ContactHeader;
import javax.sip.header.RouteHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The out-of-band REFER (docs/architecture.md, "The transfer" steps 2, 3 and 5) between real user
 * agents on loopback: SBC-edge (caller side), SBC-dest (callee side), the transfer server, and an
 * intruder on a port the proxy does not trust.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutOfBandReferTest {
  private static final HostPort PROXY = new HostPort("127.0.0.1", 15210);
  private static final String NUMBER = "+13125550100";

  private ScheduledExecutorService scheduler;
  private ProxyServer proxy;
  private TestUa caller;
  private TestUa callee;
  private TestUa transfer;
  private TestUa intruder;

  @BeforeAll
  void start() throws Exception {
    scheduler = Executors.newSingleThreadScheduledExecutor();
    caller = TestUa.start("sbc-edge", 15211);
    callee = TestUa.start("sbc-dest", 15212);
    transfer = TestUa.start("transfer", 15213);
    intruder = TestUa.start("intruder", 15214);
    ProxyConfig config =
        new ProxyConfig(
            SipConfig.at(PROXY),
            List.of(new PrefixRoute("+1312555", callee.address())),
            Calls.neighbours(caller, callee, transfer),
            null);
    proxy =
        ProxyServer.start(
            "proxy",
            config,
            new RecordingRegistry(),
            PeerNames.none(),
            Clock.systemUTC(),
            scheduler);
  }

  @AfterAll
  void stop() {
    proxy.close();
    for (TestUa ua : List.of(caller, callee, transfer, intruder)) {
      ua.close();
    }
    scheduler.shutdownNow();
  }

  @BeforeEach
  void reset() {
    for (TestUa ua : List.of(caller, callee, transfer, intruder)) {
      ua.reset();
    }
  }

  private Calls.Established call() throws Exception {
    Calls.Established call =
        Calls.establish(caller, callee, Calls.invite(caller, PROXY, NUMBER).build());
    caller.reset();
    callee.reset();
    return call;
  }

  /** The transfer server's REFER (docs step 2), from {@code from}. */
  private static RequestBuilder refer(TestUa from) {
    return from.endpoint
        .request(Request.REFER, from.endpoint.messages().uri(null, PROXY))
        .from(from.endpoint.contact("transfer"))
        .header("Event", "refer")
        .header("Require", "tdialog")
        .header("Refer-To", "<tel:+16465550111>")
        .header("Referred-By", "<sip:transfer@127.0.0.1:15213>")
        .header("X-Baton-Call-Id", "c-00000000000000b1")
        .header("X-Baton-Transfer-Id", "t-00000000000000b1")
        .header("X-Baton-Transfer-Mode", "make-before-break")
        .header("X-Baton-Transfer-Timeout", "30");
  }

  private static String targetDialog(Calls.Established call) {
    return new TargetDialog(call.sipCallId(), call.calleeTag(), call.callerTag()).value();
  }

  @Test
  void referFromAnUntrustedSourceIsForbiddenAndChangesNothing() throws Exception {
    Calls.Established call = call();
    long before = proxy.refersRelayed();

    Response response =
        intruder.sendAndWait(refer(intruder).header(TargetDialog.NAME, targetDialog(call)).build());

    assertThat(response.getStatusCode()).isEqualTo(403);
    assertThat(proxy.refersRelayed()).isEqualTo(before);
    assertThat(caller.methods()).isEmpty();
    hangUp(call);
  }

  @Test
  void referWithoutTargetDialogIsABadRequest() throws Exception {
    Response response = transfer.sendAndWait(refer(transfer).build());

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(response.getReasonPhrase()).isEqualTo("Missing Target-Dialog");
  }

  @Test
  void referWithMalformedTargetDialogIsABadRequest() throws Exception {
    Response response =
        transfer.sendAndWait(refer(transfer).header(TargetDialog.NAME, "abc;local-tag=1").build());

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(response.getReasonPhrase()).isEqualTo("Malformed Target-Dialog");
  }

  @Test
  void referForAnUnknownDialogGets481() throws Exception {
    Response response =
        transfer.sendAndWait(
            refer(transfer)
                .header(TargetDialog.NAME, new TargetDialog("nope", "a", "b").value())
                .build());

    assertThat(response.getStatusCode()).isEqualTo(481);
  }

  @Test
  void referNamingTheCalleeSideAsRemoteGets481() throws Exception {
    Calls.Established call = call();
    // remote-tag must be the caller side's (RFC 4538 §7): the tags the other way round are refused.
    String swapped = new TargetDialog(call.sipCallId(), call.callerTag(), call.calleeTag()).value();

    Response response =
        transfer.sendAndWait(refer(transfer).header(TargetDialog.NAME, swapped).build());

    assertThat(response.getStatusCode()).isEqualTo(481);
    assertThat(caller.methods()).isEmpty();
    hangUp(call);
  }

  @Test
  void referForAnEndedDialogGets481() throws Exception {
    Calls.Established call = call();
    hangUp(call);

    Response response =
        transfer.sendAndWait(refer(transfer).header(TargetDialog.NAME, targetDialog(call)).build());

    assertThat(response.getStatusCode()).isEqualTo(481);
  }

  @Test
  void referReachesTheCallerInItsDialogAndItsProgressReachesTheTransferServer() throws Exception {
    Calls.Established call = call();
    long before = proxy.refersRelayed();
    Request outOfBand = refer(transfer).header(TargetDialog.NAME, targetDialog(call)).build();
    OutboundTransaction referTx = transfer.endpoint.send(outOfBand);

    // Step 3: the caller side gets an in-dialog REFER its own dialog layer accepted.
    InboundRequest inDialog = caller.awaitRequest(Request.REFER);
    Request r = inDialog.request();
    assertThat(inDialog.dialog()).isSameAs(call.callerDialog());
    assertThat(Messages.fromTag(r)).isEqualTo(call.calleeTag());
    assertThat(Messages.toTag(r)).isEqualTo(call.callerTag());
    assertThat(Messages.callId(r)).isEqualTo(call.sipCallId());
    assertThat(Messages.cseq(r)).isEqualTo(1);
    assertThat(r.getRequestURI().toString()).isEqualTo("sip:127.0.0.1:15211");
    assertThat(((ContactHeader) r.getHeader(ContactHeader.NAME)).getAddress().getURI().toString())
        .isEqualTo("sip:127.0.0.1:15212");
    assertThat(r.getHeader(RouteHeader.NAME)).isNull(); // the caller side sent no Record-Route
    assertThat(inDialog.header("Refer-To")).isEqualTo("<tel:+16465550111>");
    assertThat(inDialog.header("Referred-By")).isEqualTo("<sip:transfer@127.0.0.1:15213>");
    assertThat(inDialog.header("Event")).isEqualTo("refer");
    assertThat(inDialog.header("X-Baton-Call-Id")).isEqualTo("c-00000000000000b1");
    assertThat(inDialog.header("X-Baton-Transfer-Id")).isEqualTo("t-00000000000000b1");
    assertThat(inDialog.header("X-Baton-Transfer-Mode")).isEqualTo("make-before-break");
    assertThat(inDialog.header("X-Baton-Transfer-Timeout")).isEqualTo("30");
    assertThat(inDialog.header(TargetDialog.NAME)).isNull();

    // The caller side's 202 answers the transfer server's REFER, with the proxy's tag and Contact.
    assertThat(referTx.finalResponse().isDone()).isFalse();
    inDialog.respond(Response.ACCEPTED);
    Response accepted = referTx.finalResponse().get(5, TimeUnit.SECONDS);
    assertThat(accepted.getStatusCode()).isEqualTo(202);
    assertThat(Messages.toTag(accepted)).isNotBlank();
    assertThat(
            ((ContactHeader) accepted.getHeader(ContactHeader.NAME))
                .getAddress()
                .getURI()
                .toString())
        .isEqualTo("sip:127.0.0.1:15210");
    assertThat(proxy.refersRelayed()).isEqualTo(before + 1);

    // Step 5: the caller side's NOTIFYs are answered by the proxy and re-sent to the transfer
    // server.
    long referCseq = Messages.cseq(r);
    long trying =
        notifyFromCaller(call.callerDialog(), referCseq, 100, "Trying", "active;expires=60");
    long done =
        notifyFromCaller(call.callerDialog(), referCseq, 200, "OK", "terminated;reason=noresource");
    InboundRequest first = transfer.awaitRequest(Request.NOTIFY);
    InboundRequest second = transfer.awaitRequest(Request.NOTIFY);
    for (InboundRequest n : List.of(first, second)) {
      assertThat(Messages.callId(n.request())).isEqualTo(Messages.callId(outOfBand));
      assertThat(Messages.fromTag(n.request())).isEqualTo(Messages.toTag(accepted));
      assertThat(Messages.toTag(n.request())).isEqualTo(Messages.fromTag(outOfBand));
      assertThat(n.request().getRequestURI().toString()).isEqualTo("sip:127.0.0.1:15213");
      assertThat(n.header("Event")).isEqualTo("refer");
    }
    assertThat(Messages.cseq(first.request())).isEqualTo(trying);
    assertThat(Messages.body(first.request())).isEqualTo(SipFrag.of(100, "Trying"));
    assertThat(first.header("Subscription-State")).isEqualTo("active;expires=60");
    assertThat(Messages.cseq(second.request())).isEqualTo(done);
    assertThat(Messages.body(second.request())).isEqualTo(SipFrag.of(200, "OK"));
    assertThat(second.header("Subscription-State")).isEqualTo("terminated;reason=noresource");
    assertThat(Messages.hasBody(second.request(), SipFrag.TYPE, SipFrag.SUBTYPE)).isTrue();

    // Later callee→caller requests are shifted past the injected CSeq: the caller's dialog takes
    // them.
    Request info = call.calleeDialog().createRequest(Request.INFO);
    long calleeCseq = Messages.cseq(info);
    assertThat(callee.sendAndWait(info, call.calleeDialog()).getStatusCode()).isEqualTo(200);
    InboundRequest infoAtCaller = caller.awaitRequest(Request.INFO);
    assertThat(infoAtCaller.dialog()).isSameAs(call.callerDialog());
    assertThat(Messages.cseq(infoAtCaller.request())).isEqualTo(calleeCseq + 1);

    assertThat(
            callee
                .sendAndWait(call.calleeDialog().createRequest(Request.BYE), call.calleeDialog())
                .getStatusCode())
        .isEqualTo(200);
    assertThat(caller.awaitRequest(Request.BYE).dialog()).isSameAs(call.callerDialog());
    await().atMost(TestUa.WAIT).until(() -> proxy.dialogs() == 0);
    // The callee side only sent (INFO, BYE): it never saw the caller side's NOTIFYs.
    assertThat(callee.methods()).isEmpty();
  }

  @Test
  void aRefusedReferIsRelayedAsTheAnswerToTheTransferServer() throws Exception {
    Calls.Established call = call();
    OutboundTransaction referTx =
        transfer.endpoint.send(
            refer(transfer).header(TargetDialog.NAME, targetDialog(call)).build());

    caller.awaitRequest(Request.REFER).respond(Response.REQUEST_PENDING, "Request Pending");

    Response response = referTx.finalResponse().get(5, TimeUnit.SECONDS);
    assertThat(response.getStatusCode()).isEqualTo(491);
    assertThat(response.getReasonPhrase()).isEqualTo("Request Pending");
    hangUp(call);
  }

  @Test
  void blindTransferKeepsTheDialogForItsSubscriptionUntilTheFinalNotify() throws Exception {
    Calls.Established call = call();
    OutboundTransaction referTx =
        transfer.endpoint.send(
            refer(transfer).header(TargetDialog.NAME, targetDialog(call)).build());
    InboundRequest inDialog = caller.awaitRequest(Request.REFER);
    inDialog.respond(Response.ACCEPTED);
    assertThat(referTx.finalResponse().get(5, TimeUnit.SECONDS).getStatusCode()).isEqualTo(202);
    long referCseq = Messages.cseq(inDialog.request());

    // Blind: the caller side hangs up leg 1 first (RFC 5057: the subscription outlives the BYE).
    Dialog dialog = call.callerDialog();
    dialog.terminateOnBye(false);
    caller.sendAndWait(dialog.createRequest(Request.BYE), dialog);
    callee.awaitRequest(Request.BYE);
    assertThat(proxy.dialogs()).isEqualTo(1);

    long done = notifyFromCaller(dialog, referCseq, 200, "OK", "terminated;reason=noresource");

    assertThat(Messages.cseq(transfer.awaitRequest(Request.NOTIFY).request())).isEqualTo(done);
    await().atMost(TestUa.WAIT).until(() -> proxy.dialogs() == 0);
    assertThat(callee.methods()).doesNotContain(Request.NOTIFY);
  }

  @Test
  void everyBatonHeaderOfTheCallerSidesNotifiesReachesTheTransferServer() throws Exception {
    Calls.Established call = call();
    transfer.endpoint.send(refer(transfer).header(TargetDialog.NAME, targetDialog(call)).build());
    InboundRequest inDialog = caller.awaitRequest(Request.REFER);
    inDialog.respond(Response.ACCEPTED);
    long referCseq = Messages.cseq(inDialog.request());

    notifyFromCaller(
        call.callerDialog(),
        referCseq,
        486,
        "Busy Here",
        "active;expires=60",
        "X-Baton-Transfer-Attempt",
        "1",
        "X-Baton-Trace",
        "a",
        "X-Baton-Trace",
        "b",
        "X-Other",
        "not Baton's");
    notifyFromCaller(
        call.callerDialog(),
        referCseq,
        200,
        "OK",
        "terminated;reason=noresource",
        "X-Baton-Transfer-Attempt",
        "2",
        "X-Baton-Transfer-Outcome",
        "completed");

    Request attempt = transfer.awaitRequest(Request.NOTIFY).request();
    assertThat(Messages.headerValue(attempt, "X-Baton-Transfer-Attempt")).isEqualTo("1");
    assertThat(attempt.getHeader("X-Baton-Transfer-Outcome")).isNull();
    List<String> traces = new java.util.ArrayList<>();
    attempt
        .getHeaders("X-Baton-Trace")
        .forEachRemaining(h -> traces.add(((javax.sip.header.ExtensionHeader) h).getValue()));
    assertThat(traces).containsExactly("a", "b");
    assertThat(attempt.getHeader("X-Other")).isNull(); // only Baton's own headers are relayed
    Request outcome = transfer.awaitRequest(Request.NOTIFY).request();
    assertThat(Messages.headerValue(outcome, "X-Baton-Transfer-Attempt")).isEqualTo("2");
    assertThat(Messages.headerValue(outcome, "X-Baton-Transfer-Outcome")).isEqualTo("completed");
    assertThat(Messages.body(outcome)).isEqualTo(SipFrag.of(200, "OK"));
    hangUp(call);
  }

  /**
   * A NOTIFY for the REFER as SBC-edge sends it, through its own dialog, with {@code headers}
   * (name, value, name, value...); returns its CSeq once the proxy has answered it 200.
   */
  private long notifyFromCaller(
      Dialog dialog,
      long referCseq,
      int status,
      String reason,
      String subscriptionState,
      String... headers)
      throws Exception {
    Request notify = dialog.createRequest(Request.NOTIFY);
    for (int i = 0; i < headers.length; i += 2) {
      caller.endpoint.messages().addHeader(notify, headers[i], headers[i + 1]);
    }
    caller.endpoint.messages().setHeader(notify, "Event", "refer;id=" + referCseq);
    caller.endpoint.messages().setHeader(notify, "Subscription-State", subscriptionState);
    caller
        .endpoint
        .messages()
        .setBody(notify, SipFrag.TYPE, SipFrag.SUBTYPE, SipFrag.of(status, reason));
    assertThat(caller.sendAndWait(notify, dialog).getStatusCode()).isEqualTo(200);
    return Messages.cseq(notify);
  }

  private void hangUp(Calls.Established call) throws Exception {
    Dialog dialog = call.callerDialog();
    assertThat(caller.sendAndWait(dialog.createRequest(Request.BYE), dialog).getStatusCode())
        .isEqualTo(200);
    await().atMost(TestUa.WAIT).until(() -> proxy.dialogs() == 0);
  }
}
