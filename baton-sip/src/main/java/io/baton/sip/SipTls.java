package io.baton.sip;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * SIP over TLS between elements (the {@code sip.tls:} block of an element's configuration;
 * docs/security.md "SIP over TLS between elements"): where the element listens for TLS, the
 * certificate and key it presents, and the certificates it trusts. TLS is mutual: the element asks
 * every connecting peer for a certificate and refuses the connection without one that chains to
 * {@code trustStore}; it checks the certificate of every peer it connects to the same way. TLS 1.3
 * and 1.2 only (RFC 8996 deprecates 1.0 and 1.1; RFC 5630 §3.1.2 wants TLS between elements).
 *
 * <p>Both stores are read, and checked, when the configuration is: a PKCS12 (or JKS) file, or PEM
 * (a {@code .pem} file: for {@code keyStore} an unencrypted PKCS#8 {@code PRIVATE KEY} and its
 * certificate chain; for {@code trustStore} one or more {@code CERTIFICATE} blocks).
 *
 * @param listen where the element accepts TLS (a port of its own: UDP and TCP share {@code
 *     sip.listen}, TLS conventionally 5061, RFC 3261 §26.2)
 * @param keyStore the element's certificate and private key
 * @param keyStorePassword the key store's password (and its key's); ignored for PEM
 * @param trustStore the certificate authorities whose peers it accepts
 * @param trustStorePassword the trust store's password; ignored for PEM
 */
public record SipTls(
    HostPort listen,
    String keyStore,
    String keyStorePassword,
    String trustStore,
    String trustStorePassword) {

  /** The TLS versions Baton speaks, best first. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]*)-----END \\1-----");

  public SipTls {
    if (listen == null) {
      throw new IllegalArgumentException("listen: required (host:port for TLS)");
    }
    keyStorePassword = keyStorePassword == null ? "" : keyStorePassword;
    trustStorePassword = trustStorePassword == null ? "" : trustStorePassword;
    keys(keyStore, keyStorePassword);
    trusted(trustStore, trustStorePassword);
  }

  /** A context presenting {@code keyStore} and trusting {@code trustStore}'s authorities only. */
  public SSLContext context() {
    try {
      KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      km.init(keys(keyStore, keyStorePassword), keyStorePassword.toCharArray());
      TrustManagerFactory tm = TrustManagerFactory.getInstance("PKIX");
      tm.init(trusted(trustStore, trustStorePassword));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(km.getKeyManagers(), tm.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("keyStore: " + e.getMessage(), e);
    }
  }

  /**
   * The identities a peer's certificate carries (RFC 5922 §7.1): its subjectAltName DNS names and
   * the hosts of its SIP URIs; the subject's CN only when it has neither. Lower case.
   */
  public static List<String> identities(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    Collection<List<?>> alternatives;
    try {
      alternatives = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      alternatives = null;
    }
    for (List<?> san : alternatives == null ? List.<List<?>>of() : alternatives) {
      int type = (Integer) san.get(0);
      String value = String.valueOf(san.get(1));
      if (type == 2) { // dNSName
        names.add(value.toLowerCase(Locale.ROOT));
      } else if (type == 6 && value.regionMatches(true, 0, "sip:", 0, 4)) { // URI
        names.add(value.substring(4).replaceFirst("^[^@]*@", "").toLowerCase(Locale.ROOT));
      }
    }
    if (names.isEmpty()) {
      try {
        for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
          if (rdn.getType().equalsIgnoreCase("CN")) {
            names.add(String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT));
          }
        }
      } catch (InvalidNameException e) {
        // no CN either: no identity
      }
    }
    return Collections.unmodifiableList(names);
  }

  /** The identity of the peer at the other end of a handshaken socket: its certificate's first. */
  public static String identity(SSLSocket socket) {
    try {
      Certificate[] chain = socket.getSession().getPeerCertificates();
      List<String> names = identities((X509Certificate) chain[0]);
      return names.isEmpty() ? null : names.get(0);
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private static KeyStore keys(String path, String password) {
    byte[] bytes = read("keyStore", path);
    KeyStore store;
    if (isPem(path)) {
      store = pemKeys(path, bytes, password);
    } else {
      store = load("keyStore", path, bytes, password);
    }
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          try {
            store.getKey(alias, password.toCharArray());
          } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException(
                "keyStorePassword: not the password of the key in " + path);
          }
          return store;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("keyStore: " + path + ": " + e.getMessage());
    }
    throw new IllegalArgumentException("keyStore: no private key entry in " + path);
  }

  private static KeyStore trusted(String path, String password) {
    byte[] bytes = read("trustStore", path);
    KeyStore store;
    if (isPem(path)) {
      store = emptyStore();
      try {
        int i = 0;
        for (Certificate c :
            CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(bytes))) {
          store.setCertificateEntry("ca-" + i++, c);
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("trustStore: " + path + ": " + e.getMessage());
      }
    } else {
      store = load("trustStore", path, bytes, password);
    }
    try {
      if (store.size() == 0) {
        throw new IllegalArgumentException("trustStore: no certificate in " + path);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("trustStore: " + path + ": " + e.getMessage());
    }
    return store;
  }

  private static byte[] read(String key, String path) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException(key + ": required (a PKCS12 or PEM file)");
    }
    try {
      return Files.readAllBytes(Path.of(path));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(key + ": cannot read " + path + " (" + e + ")");
    }
  }

  private static boolean isPem(String path) {
    return path.toLowerCase(Locale.ROOT).endsWith(".pem");
  }

  private static KeyStore load(String key, String path, byte[] bytes, String password) {
    for (String type : List.of("PKCS12", "JKS")) {
      try (InputStream in = new ByteArrayInputStream(bytes)) {
        KeyStore store = KeyStore.getInstance(type);
        store.load(in, password.toCharArray());
        return store;
      } catch (IOException e) {
        if (e.getCause() instanceof UnrecoverableKeyException) {
          throw new IllegalArgumentException(key + "Password: wrong password for " + path);
        }
      } catch (GeneralSecurityException e) {
        // not this type
      }
    }
    throw new IllegalArgumentException(key + ": " + path + " is neither PKCS12, JKS nor PEM");
  }

  /** An unencrypted PKCS#8 key and the certificates after it, as one key entry. */
  private static KeyStore pemKeys(String path, byte[] bytes, String password) {
    PrivateKey privateKey = null;
    List<Certificate> chain = new ArrayList<>();
    Matcher m = PEM.matcher(new String(bytes, StandardCharsets.US_ASCII));
    try {
      CertificateFactory certificates = CertificateFactory.getInstance("X.509");
      while (m.find()) {
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        switch (m.group(1)) {
          case "PRIVATE KEY" -> privateKey = pkcs8(der);
          case "CERTIFICATE" ->
              chain.add(certificates.generateCertificate(new ByteArrayInputStream(der)));
          case "ENCRYPTED PRIVATE KEY" ->
              throw new IllegalArgumentException(
                  "keyStore: " + path + " holds an encrypted PEM key: use PKCS12 for that");
          default -> {} // parameters and the like
        }
      }
      if (privateKey == null || chain.isEmpty()) {
        throw new IllegalArgumentException(
            "keyStore: no private key entry in "
                + path
                + " (a PEM key store holds a PRIVATE KEY and its CERTIFICATE chain)");
      }
      KeyStore store = emptyStore();
      store.setKeyEntry(
          "key", privateKey, password.toCharArray(), chain.toArray(Certificate[]::new));
      return store;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("keyStore: " + path + ": " + e.getMessage());
    }
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  private static KeyStore emptyStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
