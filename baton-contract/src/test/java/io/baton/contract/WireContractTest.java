package io.baton.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What one element writes, the other reads back as it was; what the reading side forgives (case,
 * whitespace) and what it refuses. Plain data, no SIP stack: the wire format itself.
 */
class WireContractTest {

  @Test
  void everyHeaderNameIsABatonHeaderAndNamedOnce() throws Exception {
    List<String> names = new ArrayList<>();
    for (Field f : BatonHeaders.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && !f.getName().equals("PREFIX")) {
        names.add((String) f.get(null));
      }
    }
    assertThat(names).isNotEmpty().allMatch(BatonHeaders::isBaton);
    assertThat(names).allMatch(n -> n.startsWith(BatonHeaders.PREFIX));
    assertThat(names.stream().map(n -> n.toLowerCase(Locale.ROOT)).distinct()).hasSameSizeAs(names);
    assertThat(BatonHeaders.isBaton("x-baton-call-id")).isTrue();
    assertThat(BatonHeaders.isBaton("X-Batons")).isFalse();
    assertThat(BatonHeaders.isBaton("X-Agent-Id")).isFalse();
  }

  static Stream<Arguments> tokenKinds() {
    return Stream.of(
            TransferMode.values(),
            OnFail.values(),
            TransferOutcome.values(),
            CallerId.values(),
            RedirectInfo.values(),
            CallOrigin.values())
        .map(kind -> Arguments.of((Object) kind));
  }

  @ParameterizedTest
  @MethodSource("tokenKinds")
  void everyTokenIsReadBackAsWritten(WireToken[] kind) {
    for (WireToken token : kind) {
      assertThat(WireToken.read(kind, token.wire())).containsSame(token);
      assertThat(token.wire()).isEqualTo(token.wire().toLowerCase(Locale.ROOT)).doesNotContain(" ");
    }
  }

  @Test
  void eachEnumReadsItsOwnTokens() {
    assertThat(TransferMode.fromWire("make-before-break")).contains(TransferMode.MAKE_BEFORE_BREAK);
    assertThat(TransferMode.fromWire("blind")).contains(TransferMode.BLIND);
    assertThat(OnFail.fromWire("stay")).contains(OnFail.STAY);
    assertThat(OnFail.fromWire("hangup")).contains(OnFail.HANGUP);
    assertThat(TransferOutcome.fromWire("completed")).contains(TransferOutcome.COMPLETED);
    assertThat(TransferOutcome.fromWire("failed")).contains(TransferOutcome.FAILED);
    assertThat(TransferOutcome.fromWire("rolled_back")).contains(TransferOutcome.ROLLED_BACK);
    assertThat(TransferOutcome.fromWire("cancelled")).contains(TransferOutcome.CANCELLED);
    assertThat(CallerId.fromWire("keep")).contains(CallerId.KEEP);
    assertThat(CallerId.fromWire("did")).contains(CallerId.DID);
    assertThat(RedirectInfo.fromWire("none")).contains(RedirectInfo.NONE);
    assertThat(RedirectInfo.fromWire("diversion")).contains(RedirectInfo.DIVERSION);
    assertThat(RedirectInfo.fromWire("history-info")).contains(RedirectInfo.HISTORY_INFO);
    assertThat(CallOrigin.fromWire("public")).contains(CallOrigin.PUBLIC);
    assertThat(CallOrigin.fromWire("network")).contains(CallOrigin.NETWORK);
    assertThat(CallOrigin.DEFAULT).isEqualTo(CallOrigin.NETWORK);
    assertThat(TransferMode.DEFAULT).isEqualTo(TransferMode.MAKE_BEFORE_BREAK);
    assertThat(OnFail.DEFAULT).isEqualTo(OnFail.STAY);
  }

  @Test
  void tokensAreReadIgnoringCaseAndTheWhitespaceAroundThem() {
    assertThat(TransferMode.fromWire(" Blind\t")).contains(TransferMode.BLIND);
    assertThat(TransferMode.fromWire("MAKE-BEFORE-BREAK")).contains(TransferMode.MAKE_BEFORE_BREAK);
    assertThat(OnFail.fromWire("HangUp ")).contains(OnFail.HANGUP);
    assertThat(TransferOutcome.fromWire(" Rolled_Back ")).contains(TransferOutcome.ROLLED_BACK);
    assertThat(CallerId.fromWire("DID")).contains(CallerId.DID);
    assertThat(RedirectInfo.fromWire(" History-Info")).contains(RedirectInfo.HISTORY_INFO);
    assertThat(CallOrigin.fromWire(" Public ")).contains(CallOrigin.PUBLIC);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "bli nd", "b", "blinds", "make_before_break", "break"})
  void nothingElseIsForgiven(String text) {
    assertThat(TransferMode.fromWire(text)).isEmpty();
    assertThat(TransferMode.fromWire(null)).isEmpty();
    assertThat(TransferOutcome.fromWire("rolled-back")).isEmpty();
  }

  @Test
  void anUnknownTokenIsAClearError() {
    assertThatThrownBy(() -> TransferMode.parse("later"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'later' is not make-before-break or blind");
    assertThatThrownBy(() -> OnFail.parse("drop")).hasMessage("'drop' is not stay or hangup");
    assertThatThrownBy(() -> CallerId.parse("anonymous"))
        .hasMessage("'anonymous' is not keep or did");
    assertThatThrownBy(() -> RedirectInfo.parse("history_info"))
        .hasMessage("'history_info' is not none, diversion or history-info");
    assertThatThrownBy(() -> CallOrigin.parse("outside"))
        .hasMessage("'outside' is not public or network");
    assertThatThrownBy(() -> TransferMode.parse(null))
        .hasMessage("'null' is not make-before-break or blind");
    assertThat(TransferMode.parse(" BLIND ")).isEqualTo(TransferMode.BLIND);
    assertThat(WireToken.spellings(TransferOutcome.values()))
        .isEqualTo("completed, failed, rolled_back or cancelled");
  }

  @Test
  void theRedirectServersContactParametersAreNamedOnce() {
    assertThat(CallerId.PARAMETER).isEqualTo("cid");
    assertThat(RedirectInfo.PARAMETER).isEqualTo("ri");
  }

  static Stream<String> awkwardValues() {
    return Stream.of(
        "42",
        "56a390f3d2b7310023a2;encoding=hex",
        "two words",
        "  padded  ",
        "a=b=c",
        "x;y;z",
        "100%",
        "%41 is not A",
        "a+b",
        "a,b \"quoted\"",
        "<sip:x@host>",
        "tab\there",
        "café au lait",
        "日本語",
        "emoji \uD83D\uDCDE");
  }

  @ParameterizedTest
  @MethodSource("awkwardValues")
  void everyPassHeaderValueIsReadBackAsWritten(String value) {
    PassHeader header = new PassHeader("X-Note", value);
    String written = header.format();

    assertThat(written).startsWith("X-Note=").matches("[A-Za-z0-9%\\-._~;=:/@]+");
    assertThat(written).doesNotContain(" ", ",", "\"", "+", "<");
    assertThat(PassHeader.parse(written)).isEqualTo(header);
    assertThat(PassHeader.parse(" " + written + "  ")).isEqualTo(header);
  }

  @Test
  void passHeadersAreWrittenReadably() {
    assertThat(new PassHeader("X-Agent-Id", "42").format()).isEqualTo("X-Agent-Id=42");
    assertThat(new PassHeader("User-to-User", "56a390f3d2b7310023a2;encoding=hex").format())
        .isEqualTo("User-to-User=56a390f3d2b7310023a2;encoding=hex");
    assertThat(new PassHeader("X-Note", "a,b c%").format()).isEqualTo("X-Note=a%2Cb%20c%25");
    assertThat(new PassHeader("X-Note", "é").format()).isEqualTo("X-Note=%C3%A9");
  }

  @Test
  void passHeadersAreReadWithLowerCaseHexAndPlusAsItIs() {
    assertThat(PassHeader.parse("X-Note = caf%c3%a9+%2C%20au%20lait%25"))
        .isEqualTo(new PassHeader("X-Note", "café+, au lait%"));
    assertThat(PassHeader.parse("user-to-user=abc"))
        .isEqualTo(new PassHeader("user-to-user", "abc"));
  }

  @Test
  void onlyTheCustomersHeadersMayBePassed() {
    assertThat(PassHeader.mayPass("X-Agent-Id")).isTrue();
    assertThat(PassHeader.mayPass("x-a")).isTrue();
    assertThat(PassHeader.mayPass("User-to-User")).isTrue();
    assertThat(PassHeader.mayPass("USER-TO-USER")).isTrue();
    for (String name :
        List.of("X-Baton-Call-Id", "x-baton-pass", "Contact", "Via", "X-", "X A", "X-Ä", "")) {
      assertThat(PassHeader.mayPass(name)).as(name).isFalse();
    }
    assertThat(PassHeader.isCustomers("X-Baton-Transfer-Id")).isFalse();
    assertThat(PassHeader.isCustomers("Diversion")).isFalse();
  }

  @Test
  void whatCannotBeReadCannotBeWritten() {
    assertThatThrownBy(() -> new PassHeader("X-Empty", ""))
        .hasMessage("empty, or control characters in the value");
    assertThatThrownBy(() -> new PassHeader("X-Split", "a\r\nVia: x"))
        .hasMessage("empty, or control characters in the value");
    assertThatThrownBy(() -> new PassHeader("X-Baton-Call-Id", "c-1"))
        .hasMessage("only X-… (not X-Baton-…) and User-to-User may be passed");
    assertThatThrownBy(() -> new PassHeader("Contact", "<sip:evil@example.com>"))
        .hasMessage("only X-… (not X-Baton-…) and User-to-User may be passed");
  }

  @Test
  void passHeadersThatCannotBePassedAreRefusedWithTheReason() {
    assertThatThrownBy(() -> PassHeader.parse("X-Empty=")).hasMessageContaining("empty");
    assertThatThrownBy(() -> PassHeader.parse("X-Empty=  ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> PassHeader.parse("X-Split=a%0D%0AVia%3A%20x"))
        .hasMessageContaining("control characters");
    assertThatThrownBy(() -> PassHeader.parse("X-Broken=%ZZ")).hasMessage("broken %-encoding");
    assertThatThrownBy(() -> PassHeader.parse("X-Short=%4")).hasMessage("broken %-encoding");
    assertThatThrownBy(() -> PassHeader.parse("X-Wide=%\uFF11\uFF11"))
        .hasMessage("broken %-encoding");
    assertThatThrownBy(() -> PassHeader.parse("X-Latin1=%E9"))
        .hasMessage("%-encoded bytes are not UTF-8");
    assertThatThrownBy(() -> PassHeader.parse("no-value")).hasMessage("not Name=value");
    assertThatThrownBy(() -> PassHeader.parse("=value")).hasMessage("not Name=value");
    assertThatThrownBy(() -> PassHeader.parse("X-Baton-Call-Id=c-0000000000000bad"))
        .hasMessageContaining("may be passed");
  }

  @Test
  void fallbackListsAreReadBackAsWritten() {
    List<FallbackTarget> targets =
        List.of(
            new FallbackTarget("sip:b@127.0.0.1:5131", 20),
            new FallbackTarget("tel:+16465550111", 30),
            new FallbackTarget("sip:c@10.0.0.1;transport=tcp", 300),
            new FallbackTarget("sip:a@h;x=1,2", OptionalLong.empty()),
            new FallbackTarget("sips:d@example.com?Subject=a%20b", 1));

    String written = FallbackTarget.format(targets);

    assertThat(written)
        .isEqualTo(
            "<sip:b@127.0.0.1:5131>;timeout=20, <tel:+16465550111>;timeout=30,"
                + " <sip:c@10.0.0.1;transport=tcp>;timeout=300, <sip:a@h;x=1,2>,"
                + " <sips:d@example.com?Subject=a%20b>;timeout=1");
    assertThat(FallbackTarget.parse(written)).isEqualTo(targets);
    assertThat(FallbackTarget.format(List.of())).isEmpty();
    assertThat(FallbackTarget.parse("")).isEmpty();
  }

  @Test
  void fallbackListsAreReadIgnoringWhitespaceCaseAndOtherParameters() {
    assertThat(
            FallbackTarget.parse(
                " <tel:+16465550112> ;TimeOut = 15 ;x=1 ,, <sip:b@h>;other;timeout=5 , "))
        .containsExactly(
            new FallbackTarget("tel:+16465550112", 15), new FallbackTarget("sip:b@h", 5));
  }

  @Test
  void aFallbackListThatCannotBeReadIsAClearError() {
    assertThatThrownBy(() -> FallbackTarget.parse("sip:b@host"))
        .hasMessage("Bad X-Baton-Transfer-Fallback (<uri>;timeout=s, ...)");
    assertThatThrownBy(() -> FallbackTarget.parse("<sip:b@host"))
        .hasMessage("Bad X-Baton-Transfer-Fallback (<uri>;timeout=s, ...)");
    assertThatThrownBy(() -> FallbackTarget.parse("<>;timeout=5"))
        .hasMessage("Bad X-Baton-Transfer-Fallback (<uri>;timeout=s, ...)");
    for (String timeout : List.of("0", "-1", "soon", "", "1.5", "+5")) {
      assertThatThrownBy(() -> FallbackTarget.parse("<tel:+16465550112>;timeout=" + timeout))
          .as(timeout)
          .hasMessage("Bad X-Baton-Transfer-Fallback timeout (seconds, at least 1)");
    }
    assertThatThrownBy(() -> new FallbackTarget("sip:a b@h", 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FallbackTarget("sip:b@h", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listEntriesSplitOnlyAtCommasOutsideUrisAndQuotes() {
    assertThat(FallbackTarget.splitList("<sip:a@h;x=1,2>;timeout=5 , \"b, c\" <sip:b@h>,,"))
        .containsExactly("<sip:a@h;x=1,2>;timeout=5", "\"b, c\" <sip:b@h>");
  }

  @Test
  void positiveNumbersAreReadBackAsWritten() {
    for (long n : new long[] {1, 30, 300, Long.MAX_VALUE}) {
      assertThat(PositiveNumber.parse(PositiveNumber.format(n))).hasValue(n);
    }
    assertThat(PositiveNumber.parse(" 30\t")).hasValue(30);
    assertThat(PositiveNumber.seconds(" 7 ", "X-Baton-Transfer-Timeout")).isEqualTo(7);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "+5", "1.5", "", "soon", "٣", "99999999999999999999"})
  void anythingButAPositiveNumberIsRefused(String text) {
    assertThat(PositiveNumber.parse(text)).isEmpty();
    assertThatThrownBy(() -> PositiveNumber.seconds(text, "X-Baton-Transfer-Timeout"))
        .hasMessage("Bad X-Baton-Transfer-Timeout (seconds, at least 1)");
    assertThatThrownBy(() -> PositiveNumber.format(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rateCeilingsAreReadBackAsWritten() {
    for (String rate : List.of("0", "0.015", "0.000001", "12", "999999.999999", "1.5")) {
      BigDecimal ceiling = new BigDecimal(rate);
      assertThat(MaxRate.parse(MaxRate.format(ceiling)))
          .hasValueSatisfying(read -> assertThat(read).isEqualByComparingTo(ceiling));
    }
    assertThat(MaxRate.format(new BigDecimal("0.0150"))).isEqualTo("0.015");
    assertThat(MaxRate.format(new BigDecimal("1E+1"))).isEqualTo("10");
    assertThat(MaxRate.format(new BigDecimal("0.010000"))).isEqualTo("0.01");
    assertThat(MaxRate.read(" 0.02\t")).isEqualByComparingTo("0.02");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", " ", "-0.01", "+0.01", ".5", "5.", "1e-2", "0.0000001", "1,5", "٠.٠١", "free"})
  void anythingButARateCeilingIsRefused(String text) {
    assertThat(MaxRate.parse(text)).isEmpty();
    assertThatThrownBy(() -> MaxRate.read(text))
        .hasMessage("Bad X-Baton-Max-Rate (a rate per minute, e.g. 0.015)");
  }

  @Test
  void aRateNoReaderWouldTakeIsNeverWritten() {
    for (String rate : List.of("-0.01", "0.0000001", "1000000")) {
      assertThatThrownBy(() -> MaxRate.format(new BigDecimal(rate)))
          .as(rate)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
