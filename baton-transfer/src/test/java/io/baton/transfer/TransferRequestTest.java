package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.contract.OnFail;
import io.baton.contract.TransferMode;
import io.baton.routing.Numbers;
import io.baton.sip.HostPort;
import io.baton.sip.SipConfig;
import io.baton.transfer.TransferRequest.Parsed;
import io.baton.transfer.TransferRequest.Target;
import io.baton.transfer.TransferRequest.TargetRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading transfer request bodies: plain data in, a request or a named problem out. */
class TransferRequestTest {
  private static final ObjectMapper JSON = TransferApi.objectMapper();
  private static final Numbers NUMBERS = new Numbers("US");
  private static final TransferServerConfig CONFIG =
      new TransferServerConfig(
          SipConfig.at("127.0.0.1:5110"),
          HostPort.parse("127.0.0.1:8080"),
          Duration.ofSeconds(30),
          Duration.ofSeconds(120),
          null,
          null,
          null,
          null,
          null,
          null);

  private static Parsed parse(String body) {
    return TransferRequest.parse(body, JSON, NUMBERS, CONFIG);
  }

  private static TransferRequest valid(String body) {
    assertThat(parse(body)).isInstanceOf(Parsed.Valid.class);
    return ((Parsed.Valid) parse(body)).request();
  }

  private static TargetRequest only(TransferRequest r) {
    assertThat(r.targets()).hasSize(1);
    return r.targets().getFirst();
  }

  @Test
  void numberWithDefaults() {
    TransferRequest r = valid("{\"to\": \"+16465550111\"}");

    assertThat(only(r))
        .isEqualTo(
            new TargetRequest(
                "to",
                "+16465550111",
                new Target.Direct(new ReferTarget.Number("+16465550111")),
                30));
    assertThat(r.mode()).isEqualTo(TransferMode.MAKE_BEFORE_BREAK);
    assertThat(r.onFail()).isEqualTo(OnFail.STAY);
    assertThat(r.headers()).isEmpty();
  }

  @Test
  void modeAndOnFailAreReadLikeTheirHeaders() {
    TransferRequest r =
        valid("{\"to\": \"+16465550111\", \"mode\": \" Blind\", \"onFail\": \"HANGUP\"}");
    assertThat(r.mode()).isEqualTo(TransferMode.BLIND);
    assertThat(r.onFail()).isEqualTo(OnFail.HANGUP);
  }

  @Test
  void nationalNumberIsNormalisedToE164() {
    assertThat(only(valid("{\"to\": \"(646) 555-0111\"}")).target())
        .isEqualTo(new Target.Direct(new ReferTarget.Number("+16465550111")));
  }

  @Test
  void sipUriNamedTargetModeAndTimeout() {
    TransferRequest sip =
        valid("{\"to\": \"sip:agent@example.com\", \"mode\": \"blind\", \"timeoutSeconds\": 120}");
    assertThat(only(sip).target())
        .isEqualTo(new Target.Direct(new ReferTarget.Sip("sip:agent@example.com")));
    assertThat(sip.mode()).isEqualTo(TransferMode.BLIND);
    assertThat(only(sip).timeoutSeconds()).isEqualTo(120);

    assertThat(only(valid("{\"to\": \"target:sales\"}")).target())
        .isEqualTo(new Target.Named("sales"));
  }

  @Test
  void aListOfTargetsEachWithItsOwnTimeoutOrTheRequests() {
    TransferRequest r =
        valid(
            """
            {"to": ["target:sales", {"to": "sip:b@example.com", "timeoutSeconds": 20},
                    {"to": "+16465550112"}],
             "timeoutSeconds": 45, "onFail": "hangup"}
            """);

    assertThat(r.targets())
        .containsExactly(
            new TargetRequest("to[0]", "target:sales", new Target.Named("sales"), 45),
            new TargetRequest(
                "to[1].to",
                "sip:b@example.com",
                new Target.Direct(new ReferTarget.Sip("sip:b@example.com")),
                20),
            new TargetRequest(
                "to[2].to",
                "+16465550112",
                new Target.Direct(new ReferTarget.Number("+16465550112")),
                45));
    assertThat(r.onFail()).isEqualTo(OnFail.HANGUP);
    assertThat(valid("{\"to\": [\"+16465550111\"]}").targets().getFirst().timeoutSeconds())
        .as("the config's default")
        .isEqualTo(30);
  }

  @Test
  void passThroughHeadersKeepTheirNamesAndOrder() {
    TransferRequest r =
        valid(
            """
            {"to": "+16465550111",
             "headers": {"X-Agent-Id": "42", "User-to-User": "56a390f3d2b7310023a2;encoding=hex"}}
            """);

    assertThat(r.headers())
        .containsExactly(
            Map.entry("X-Agent-Id", "42"),
            Map.entry("User-to-User", "56a390f3d2b7310023a2;encoding=hex"));
  }

  @Test
  void theCanonicalFormIgnoresHowTheSameRequestWasWritten() {
    String plain =
        valid("{\"to\": \"+16465550111\", \"headers\": {\"X-A\": \"1\", \"X-B\": \"2\"}}")
            .canonical(JSON, "c-1");
    String spelledOut =
        valid(
                """
                { "headers": {"X-B": "2", "X-A": "1"}, "onFail": "stay",
                  "mode": "make-before-break", "to": [{"to": "+16465550111", "timeoutSeconds": 30}] }
                """)
            .canonical(JSON, "c-1");

    assertThat(spelledOut).isEqualTo(plain);
    assertThat(valid("{\"to\": \"+16465550111\", \"timeoutSeconds\": 31}").canonical(JSON, "c-1"))
        .isNotEqualTo(valid("{\"to\": \"+16465550111\"}").canonical(JSON, "c-1"));
    assertThat(valid("{\"to\": \"+16465550111\"}").canonical(JSON, "c-2"))
        .isNotEqualTo(valid("{\"to\": \"+16465550111\"}").canonical(JSON, "c-1"));
  }

  @Test
  void limitsOnHeadersAndDestinations() {
    StringBuilder eleven = new StringBuilder("{\"to\": \"+16465550111\", \"headers\": {");
    for (int i = 0; i < 11; i++) {
      eleven.append(i == 0 ? "" : ", ").append("\"X-H").append(i).append("\": \"v\"");
    }
    assertThat(parse(eleven + "}}"))
        .isEqualTo(
            new Parsed.Invalid(ProblemType.INVALID_FIELD, "headers: at most 10 headers (has 11)"));
    assertThat(
            parse(
                "{\"to\": \"+16465550111\", \"headers\": {\"X-A\": \"" + "v".repeat(257) + "\"}}"))
        .isInstanceOf(Parsed.Invalid.class);
    assertThat(
            valid("{\"to\": \"+16465550111\", \"headers\": {\"X-A\": \"" + "v".repeat(256) + "\"}}")
                .headers())
        .hasSize(1);
    assertThat(parse("{\"to\": \"sip:" + "a".repeat(250) + "@example.com\"}"))
        .isEqualTo(
            new Parsed.Invalid(ProblemType.INVALID_DESTINATION, "to: longer than 255 characters"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"to\": |MALFORMED_BODY|the body is not valid JSON",
        "[1, 2]|MALFORMED_BODY|the body must be a JSON object",
        "|MALFORMED_BODY|the body must be a JSON object",
        "{}|INVALID_FIELD|to: required",
        "{\"to\": 16465550111}|INVALID_FIELD|to: must be a string or a list",
        "{\"to\": \"12ab\"}|INVALID_DESTINATION|to: '12ab' is not an E.164 number, a sip: URI or"
            + " target:name",
        "{\"to\": \"sip:\"}|INVALID_DESTINATION|to: 'sip:' is not an E.164 number, a sip: URI or"
            + " target:name",
        "{\"to\": \"target:\"}|INVALID_DESTINATION|to: 'target:' is not an E.164 number, a sip:"
            + " URI or target:name",
        "{\"to\": \"+16465550111\", \"mode\": \"slow\"}|INVALID_FIELD|mode: 'slow' is not"
            + " make-before-break or blind",
        "{\"to\": \"+16465550111\", \"mode\": 5}|INVALID_FIELD|mode: '5' is not"
            + " make-before-break or blind",
        "{\"to\": \"+16465550111\", \"timeoutSeconds\": 0}|INVALID_FIELD|timeoutSeconds: 0 is not"
            + " a whole number in 1..120",
        "{\"to\": \"+16465550111\", \"timeoutSeconds\": 121}|INVALID_FIELD|timeoutSeconds: 121 is"
            + " not a whole number in 1..120",
        "{\"to\": \"+16465550111\", \"timeoutSeconds\": \"30\"}|INVALID_FIELD|timeoutSeconds: \"30\""
            + " is not a whole number in 1..120",
        "{\"to\": \"+16465550111\", \"timeoutSeconds\": 2.5}|INVALID_FIELD|timeoutSeconds: 2.5 is"
            + " not a whole number in 1..120",
        "{\"to\": \"+16465550111\", \"mdoe\": \"blind\"}|INVALID_FIELD|mdoe: unknown field"
            + " (expected to, mode, timeoutSeconds, onFail, headers)",
        "{\"to\": []}|INVALID_FIELD|to: a list of 1 to 10 targets (has 0)",
        "{\"to\": [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\"]}|INVALID_FIELD|to: a"
            + " list of 1 to 10 targets (has 11)",
        "{\"to\": [\"+16465550111\", \"12ab\"]}|INVALID_DESTINATION|to[1]: '12ab' is not an"
            + " E.164 number, a sip: URI or target:name",
        "{\"to\": [{\"to\": \"x\"}]}|INVALID_DESTINATION|to[0].to: 'x' is not an E.164 number,"
            + " a sip: URI or target:name",
        "{\"to\": [{\"timeoutSeconds\": 5}]}|INVALID_FIELD|to[0].to: required, a string",
        "{\"to\": [{\"to\": \"+16465550111\", \"timeoutSeconds\": 0}]}|INVALID_FIELD|"
            + "to[0].timeoutSeconds: 0 is not a whole number in 1..120",
        "{\"to\": [{\"to\": \"+16465550111\", \"mode\": \"blind\"}]}|INVALID_FIELD|to[0].mode:"
            + " unknown field (expected to, timeoutSeconds)",
        "{\"to\": [42]}|INVALID_FIELD|to[0]: must be a string or {\"to\", \"timeoutSeconds\"}",
        "{\"to\": {\"to\": \"+16465550111\"}}|INVALID_FIELD|to: must be a string or a list",
        "{\"to\": \"+16465550111\", \"onFail\": \"retry\"}|INVALID_FIELD|onFail: 'retry' is not"
            + " stay or hangup",
        "{\"to\": \"+16465550111\", \"headers\": [1]}|INVALID_FIELD|headers: must be an object"
            + " of name: value",
        "{\"to\": \"+16465550111\", \"headers\": {\"Subject\": \"x\"}}|INVALID_FIELD|"
            + "headers.Subject: only X- headers and User-to-User can be passed",
        "{\"to\": \"+16465550111\", \"headers\": {\"X-\": \"x\"}}|INVALID_FIELD|"
            + "headers.X-: only X- headers and User-to-User can be passed",
        "{\"to\": \"+16465550111\", \"headers\": {\"X A\": \"x\"}}|INVALID_FIELD|"
            + "headers.X A: only X- headers and User-to-User can be passed",
        "{\"to\": \"+16465550111\", \"headers\": {\"x-baton-call-id\": \"c-1\"}}|INVALID_FIELD|"
            + "headers.x-baton-call-id: X-Baton- headers are Baton's own",
        "{\"to\": \"+16465550111\", \"headers\": {\"X-A\": \"1\", \"x-a\": \"2\"}}|"
            + "INVALID_FIELD|headers.x-a: given twice (header names are case-insensitive)",
        "{\"to\": \"+16465550111\", \"headers\": {\"X-A\": 1}}|INVALID_FIELD|headers.X-A: the"
            + " value must be 1 to 256 printable ASCII characters",
        "{\"to\": \"+16465550111\", \"headers\": {\"X-A\": \"\"}}|INVALID_FIELD|headers.X-A:"
            + " the value must be 1 to 256 printable ASCII characters",
        "{\"to\": \"+16465550111\", \"headers\": {\"X-A\": \"a\\r\\nX-Evil: 1\"}}|INVALID_FIELD|"
            + "headers.X-A: the value must be 1 to 256 printable ASCII characters",
        "{\"to\": \"+16465550111\", \"headers\": {\"X-A\": \"caf\u00e9\"}}|INVALID_FIELD|"
            + "headers.X-A: the value must be 1 to 256 printable ASCII characters",
      })
  void badBodiesNameTheProblem(String body, ProblemType type, String detail) {
    assertThat(parse(body)).isEqualTo(new Parsed.Invalid(type, detail));
  }
}
