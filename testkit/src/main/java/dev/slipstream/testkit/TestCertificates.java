package dev.slipstream.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1, made with the JDK's keytool: as a PKCS12 keystore (for Java servers),
 * and as PEM certificate and PKCS8 key files (for Prometheus), with an SSLContext that trusts it.
 */
public record TestCertificates(Path keystore, String password, Path certificatePem, Path keyPem) {
  private static final String ALIAS = "server";

  /** Makes the certificate and its files in {@code dir}. */
  public static TestCertificates selfSigned(Path dir, String commonName) {
    try {
      String password = UUID.randomUUID().toString();
      Path keystore = dir.resolve(commonName + ".p12");
      keytool(dir, "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password,
          "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=" + commonName,
          "-ext", "SAN=IP:127.0.0.1,DNS:" + commonName);
      Path cert = dir.resolve(commonName + ".crt");
      keytool(dir, "-exportcert", "-rfc", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password,
          "-alias", ALIAS, "-file", cert.toString());
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        ks.load(in, password.toCharArray());
      }
      byte[] pkcs8 = ks.getKey(ALIAS, password.toCharArray()).getEncoded();
      Path key = dir.resolve(commonName + ".key");
      Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs8)
          + "\n-----END PRIVATE KEY-----\n");
      return new TestCertificates(keystore, password, cert, key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The certificate, PEM. */
  public String pem() {
    try {
      return Files.readString(certificatePem);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A TLS context that trusts this certificate only. */
  public SSLContext trusting() {
    try (InputStream in = Files.newInputStream(certificatePem)) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void keytool(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("keytool.log").toFile())).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed; see " + dir.resolve("keytool.log"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
