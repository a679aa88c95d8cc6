package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.routing.Numbers;
import io.baton.sip.HostPort;
import io.baton.sip.SipConfig;
import io.baton.transfer.TransferRequest.Parsed;
import io.baton.transfer.TransferRequest.Target;
import java.time.Duration;
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
          null);

  private static Parsed parse(String body) {
    return TransferRequest.parse(body, JSON, NUMBERS, CONFIG);
  }

  private static TransferRequest valid(String body) {
    assertThat(parse(body)).isInstanceOf(Parsed.Valid.class);
    return ((Parsed.Valid) parse(body)).request();
  }

  @Test
  void numberWithDefaults() {
    TransferRequest r = valid("{\"to\": \"+16465550111\"}");

    assertThat(r.target()).isEqualTo(new Target.Direct(new Destination.Number("+16465550111")));
    assertThat(r.mode()).isEqualTo(TransferMode.MAKE_BEFORE_BREAK);
    assertThat(r.timeoutSeconds()).isEqualTo(30);
  }

  @Test
  void nationalNumberIsNormalisedToE164() {
    assertThat(valid("{\"to\": \"(646) 555-0111\"}").target())
        .isEqualTo(new Target.Direct(new Destination.Number("+16465550111")));
  }

  @Test
  void sipUriNamedTargetModeAndTimeout() {
    TransferRequest sip =
        valid("{\"to\": \"sip:agent@example.com\", \"mode\": \"blind\", \"timeoutSeconds\": 120}");
    assertThat(sip.target())
        .isEqualTo(new Target.Direct(new Destination.Sip("sip:agent@example.com")));
    assertThat(sip.mode()).isEqualTo(TransferMode.BLIND);
    assertThat(sip.timeoutSeconds()).isEqualTo(120);

    assertThat(valid("{\"to\": \"target:sales\"}").target()).isEqualTo(new Target.Named("sales"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"to\": |MALFORMED_BODY|the body is not valid JSON",
        "[1, 2]|MALFORMED_BODY|the body must be a JSON object",
        "|MALFORMED_BODY|the body must be a JSON object",
        "{}|INVALID_FIELD|to: required",
        "{\"to\": 16465550111}|INVALID_FIELD|to: must be a string",
        "{\"to\": \"12ab\"}|INVALID_DESTINATION|to: '12ab' is not an E.164 number, a sip: URI or"
            + " target:name",
        "{\"to\": \"sip:\"}|INVALID_DESTINATION|to: 'sip:' is not an E.164 number, a sip: URI or"
            + " target:name",
        "{\"to\": \"target:\"}|INVALID_DESTINATION|to: 'target:' is not an E.164 number, a sip:"
            + " URI or target:name",
        "{\"to\": \"+16465550111\", \"mode\": \"slow\"}|INVALID_FIELD|mode: 'slow' is not"
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
            + " (expected to, mode, timeoutSeconds)",
      })
  void badBodiesNameTheProblem(String body, ProblemType type, String detail) {
    assertThat(parse(body)).isEqualTo(new Parsed.Invalid(type, detail));
  }
}
