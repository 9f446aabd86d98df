package dev.slipstream.operator.prometheus;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The Prometheus servers the operator's admin declared (Helm values {@code prometheus.sources}, rendered into the
 * file named by {@code --prometheus-sources}): each a name, a URL and, from files mounted from Secrets in the
 * operator's namespace, a bearer token or basic-auth user and password, and a CA to trust. A pipeline names a
 * source; its credentials never appear in a spec. Credential files are read at each query, so a rotated Secret
 * takes effect without a restart.
 */
public final class PrometheusSources {
  /** The file's shape; an unknown key is refused (FAIL_ON_UNKNOWN_PROPERTIES below). */
  public record File(List<Entry> sources) {}

  /** One source as the file declares it. */
  /**
   * @param serverName the name the server's certificate must carry (and the TLS SNI), when it is not the URL's
   *     host (a Prometheus reached by IP or through a tunnel); null: the URL's host
   */
  public record Entry(String name, String url, BasicAuth basicAuth, String bearerTokenFile, String caFile,
      String serverName) {}

  public record BasicAuth(String usernameFile, String passwordFile) {}

  /** A source ready to query: its URL, the Authorization header to send (read now), and its own HTTP client. */
  public record Source(String name, URI url, Entry entry, HttpClient http) {
    /** The Authorization header value, read from the mounted files now; empty without auth. */
    public Optional<String> authorization() {
      if (entry == null) {
        return Optional.empty();
      }
      if (entry.bearerTokenFile() != null) {
        return Optional.of("Bearer " + read(entry.bearerTokenFile()));
      }
      if (entry.basicAuth() != null) {
        String pair = read(entry.basicAuth().usernameFile()) + ":" + read(entry.basicAuth().passwordFile());
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
      }
      return Optional.empty();
    }

    private static String read(String file) {
      try {
        return Files.readString(Path.of(file)).strip();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
  }

  private final Map<String, Source> byName;

  private PrometheusSources(Map<String, Source> byName) {
    this.byName = Map.copyOf(byName);
  }

  public static PrometheusSources none() {
    return new PrometheusSources(Map.of());
  }

  /** Reads and checks the file; a bad file stops start-up with a message naming the source and the field. */
  public static PrometheusSources read(Path file, Duration timeout) {
    File parsed;
    try (InputStream in = Files.newInputStream(file)) {
      parsed = new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
          .readValue(in, File.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("--prometheus-sources " + file + ": " + e.getMessage(), e);
    }
    Map<String, Source> byName = new LinkedHashMap<>();
    for (Entry e : parsed.sources() == null ? List.<Entry>of() : parsed.sources()) {
      String where = "--prometheus-sources " + file + ": source '" + e.name() + "'";
      if (e.name() == null || !e.name().matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")) {
        throw new IllegalArgumentException(where + ": the name must be a DNS label");
      }
      if (e.url() == null || !e.url().matches("^https?://[^\\s@/]+(/[^\\s]*)?$")) {
        throw new IllegalArgumentException(where + ": url must be http(s)://host[:port][/path], with no credentials in it");
      }
      if (e.bearerTokenFile() != null && e.basicAuth() != null) {
        throw new IllegalArgumentException(where + ": give bearerTokenFile or basicAuth, not both");
      }
      if (byName.put(e.name(), new Source(e.name(), URI.create(e.url()), e, client(e, timeout))) != null) {
        throw new IllegalArgumentException(where + " is declared twice");
      }
    }
    return new PrometheusSources(byName);
  }

  public Optional<Source> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public List<String> names() {
    return byName.keySet().stream().sorted().toList();
  }

  /** A client that never follows redirects and trusts the source's CA when it names one (else the JDK's). */
  static HttpClient client(Entry entry, Duration timeout) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER);
    if (entry != null && (entry.caFile() != null || entry.serverName() != null)) {
      builder.sslContext(trusting(entry.caFile() == null ? null : Path.of(entry.caFile()), entry.serverName()));
    }
    if (entry != null && entry.serverName() != null) {
      // the name is checked by ServerNameCheck against the certificate, not by the client against the URL's host
      javax.net.ssl.SSLParameters parameters = new javax.net.ssl.SSLParameters();
      parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName(entry.serverName())));
      parameters.setEndpointIdentificationAlgorithm(null);
      builder.sslParameters(parameters);
    }
    return builder.build();
  }

  /** Trusts the CA file's certificates (else the JDK's); with a server name, also requires it in the certificate. */
  private static SSLContext trusting(Path caFile, String serverName) {
    try {
      KeyStore trust = null;
      if (caFile != null) {
        try (InputStream in = Files.newInputStream(caFile)) {
          trust = KeyStore.getInstance(KeyStore.getDefaultType());
          trust.load(null, null);
          int i = 0;
          for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            trust.setCertificateEntry("ca-" + i++, cert);
          }
          if (i == 0) {
            throw new IllegalArgumentException("--prometheus-sources: " + caFile + " holds no PEM certificate");
          }
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.TrustManager[] managers = tmf.getTrustManagers();
      if (serverName != null) {
        managers = new javax.net.ssl.TrustManager[] {
            new ServerNameCheck((javax.net.ssl.X509TrustManager) managers[0], serverName)};
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, managers, null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("--prometheus-sources: cannot read the CA " + caFile + ": " + e.getMessage(), e);
    }
  }

  /** The chain as the JDK checks it, then the server name among the leaf certificate's DNS names (wildcards one label). */
  static final class ServerNameCheck implements javax.net.ssl.X509TrustManager {
    private final javax.net.ssl.X509TrustManager chain;
    private final String serverName;

    ServerNameCheck(javax.net.ssl.X509TrustManager chain, String serverName) {
      this.chain = chain;
      this.serverName = serverName.toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void checkServerTrusted(java.security.cert.X509Certificate[] certificates, String authType)
        throws java.security.cert.CertificateException {
      chain.checkServerTrusted(certificates, authType);
      var names = certificates[0].getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> name : names) {
          if (Integer.valueOf(2).equals(name.get(0)) && matches(String.valueOf(name.get(1)).toLowerCase(java.util.Locale.ROOT))) {
            return;
          }
        }
      }
      throw new java.security.cert.CertificateException("the certificate does not name " + serverName);
    }

    private boolean matches(String dnsName) {
      if (dnsName.startsWith("*.")) {
        int dot = serverName.indexOf('.');
        return dot > 0 && serverName.substring(dot).equals(dnsName.substring(1));
      }
      return dnsName.equals(serverName);
    }

    @Override
    public void checkClientTrusted(java.security.cert.X509Certificate[] certificates, String authType)
        throws java.security.cert.CertificateException {
      chain.checkClientTrusted(certificates, authType);
    }

    @Override
    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
      return chain.getAcceptedIssuers();
    }
  }
}
