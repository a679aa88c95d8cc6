package io.baton.sip.wire;

import io.baton.sip.HostPort;
import io.baton.sip.SipTls;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made at test time, and the element certificates it issues (P-256 keys,
 * valid for a day), written to a directory as the files {@code sip.tls} reads: a PKCS12 key store
 * per element, the CA's certificate as a PEM trust store. Nothing of it is kept in the repository.
 */
public final class TestPki {
  /** The password of every key store this writes (lab-only material). */
  public static final String PASSWORD = "lab-only";

  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  private final Path dir;
  private final String name;
  private final KeyPair caKeys;
  private final X509Certificate ca;

  private TestPki(Path dir, String name) throws GeneralSecurityException, IOException {
    this.dir = Files.createDirectories(dir);
    this.name = name;
    this.caKeys = newKeys();
    X500Principal subject = new X500Principal("CN=" + name + ", O=Baton lab (test only)");
    X509v3CertificateBuilder builder = builder(subject, subject, caKeys);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    builder.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    this.ca = sign(builder, caKeys);
    write(dir.resolve(name + "-ca.pem"), pem(ca));
  }

  /** A new CA named {@code name}, its files under {@code dir}. */
  public static TestPki create(Path dir, String name) {
    try {
      return new TestPki(dir, name);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CA's certificate as a PEM file: a {@code sip.tls.trustStore}. */
  public Path trustStore() {
    return dir.resolve(name + "-ca.pem");
  }

  /**
   * A PKCS12 key store (password {@link #PASSWORD}) holding a new key and its certificate, which
   * names {@code identity} as subjectAltName DNS and as CN, with the CA's certificate after it.
   */
  public Path issue(String identity) {
    try {
      KeyPair keys = newKeys();
      X509v3CertificateBuilder builder =
          builder(
              new X500Principal("CN=" + identity + ", O=Baton lab (test only)"),
              ca.getSubjectX500Principal(),
              keys);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, identity)));
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
      X509Certificate certificate = sign(builder, caKeys);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          identity, keys.getPrivate(), PASSWORD.toCharArray(), new Certificate[] {certificate, ca});
      Path file = dir.resolve(name + "-" + identity + ".p12");
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, PASSWORD.toCharArray());
      }
      return file;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code sip.tls} for an element listening for TLS at {@code listen} with a certificate naming
   * {@code identity}, trusting {@code trusted}'s CA.
   */
  public SipTls tls(HostPort listen, String identity, TestPki trusted) {
    return new SipTls(
        listen, issue(identity).toString(), PASSWORD, trusted.trustStore().toString(), "");
  }

  /** As {@link #tls(HostPort, String, TestPki)}, trusting this CA. */
  public SipTls tls(HostPort listen, String identity) {
    return tls(listen, identity, this);
  }

  private static KeyPair newKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(
      X500Principal subject, X500Principal issuer, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(1))),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static String pem(X509Certificate certificate) throws GeneralSecurityException {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(certificate.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }
}
