package io.baton.transfer;

import static io.baton.transfer.TransferFixture.ACME_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.sip.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code transfer.https}: the API over TLS only, with a certificate keytool makes for the test;
 * plain HTTP is neither served on the TLS port nor anywhere else.
 */
class TransferHttpsTest {
  private static final String PASSWORD = "https-test-password";
  @TempDir static Path dir;
  private static Path keyStore;
  private static TransferFixture lab;

  @BeforeAll
  static void start() throws Exception {
    keyStore = dir.resolve("api.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "baton-api",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue())
        .as(new String(keytool.getInputStream().readAllBytes()))
        .isZero();
    lab =
        TransferFixture.start(
            "https",
            15497,
            15498,
            18096,
            TransferFixture.Options.DEFAULT.httpsOnly(
                new TransferServerConfig.Https(
                    HostPort.parse("127.0.0.1:18097"), keyStore.toString(), PASSWORD)));
  }

  @AfterAll
  static void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  /** A client that trusts the test's certificate and nothing else. */
  private static HttpClient trusting() throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      trusted.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
  }

  @Test
  void theApiIsServedOverTls() throws Exception {
    assertThat(lab.server.httpsPort()).isEqualTo(18097);
    HttpClient client = trusting();

    HttpResponse<String> health =
        client.send(
            request("https://127.0.0.1:18097/health").build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.sslSession())
        .hasValueSatisfying(s -> assertThat(s.getProtocol()).startsWith("TLSv1."));
    HttpResponse<String> calls =
        client.send(
            request("https://127.0.0.1:18097/v1/calls?limit=1")
                .header("Authorization", "Bearer " + ACME_KEY)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(calls.statusCode()).as(calls.body()).isEqualTo(200);
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateGetsNoAnswer() {
    assertThatThrownBy(() -> getWithDefaults("https://127.0.0.1:18097/health"))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void plainHttpIsRefusedOnTheTlsPortAndServedNowhere() {
    assertThat(lab.server.httpPort()).as("no plain HTTP listener").isEqualTo(-1);
    assertThatThrownBy(() -> getWithDefaults("http://127.0.0.1:18097/health"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> getWithDefaults("http://127.0.0.1:18096/health"))
        .as("the port plain HTTP would have used")
        .isInstanceOf(IOException.class);
  }

  /** A GET by a client with the JVM's defaults (its own trust store). */
  private static HttpResponse<String> getWithDefaults(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(request(url).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aKeyStoreThatDoesNotOpenIsAStartUpErrorNamingItsKey() {
    assertThatThrownBy(
            () ->
                TransferFixture.start(
                    "https-bad",
                    15499,
                    15500,
                    18098,
                    TransferFixture.Options.DEFAULT.httpsOnly(
                        new TransferServerConfig.Https(
                            HostPort.parse("127.0.0.1:18099"),
                            keyStore.toString(),
                            "wrong-password"))))
        .hasMessageStartingWith("transfer.https.keyStore: ")
        .hasMessageContaining("does not open with transfer.https.password");
  }
}
