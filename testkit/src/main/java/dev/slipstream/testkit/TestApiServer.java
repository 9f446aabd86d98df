package dev.slipstream.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Kubernetes API server for tests and the demo: fabric8's mock server in CRUD mode, served over HTTP,
 * with the CRDs installed and admission as a real API server does it for custom resources (schema
 * defaults, structural schema and CEL validation, refusal with 422). It records every write request so
 * tests can assert how many writes the operator made and that every object it wrote was valid.
 */
public final class TestApiServer implements AutoCloseable {
  private static final ObjectMapper MAPPER = Serialization.jsonMapper();
  /** The mock logs every request at INFO; tests count requests themselves. Held so the level sticks. */
  private static final java.util.logging.Logger MOCK_LOG = quiet("io.fabric8.mockwebserver.MockWebServer");

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  private final AdmissionValidator admission;
  private final ApiDiscovery discovery;
  private final AdmittingDispatcher dispatcher;
  private final KubernetesMockServer server;
  private final ApiFront front;
  /** The mock's client configuration (namespace, timeouts), pointed at {@link #front} by each new client. */
  private final io.fabric8.kubernetes.client.Config mockClientConfig;
  private final KubernetesClient client;

  /** A write the server received: method, path, and whether admission refused it (with why). */
  /** @param body what was sent (a patch as sent, before a merge patch is turned into a JSON patch) */
  public record Write(String method, String path, String kind, String name, List<String> refusals, String userAgent,
      String body) {}

  private TestApiServer(List<CustomResourceDefinition> crds) {
    this.admission = new AdmissionValidator(crds);
    this.discovery = new ApiDiscovery(crds);
    this.dispatcher = new AdmittingDispatcher();
    MockWebServer web = new MockWebServer();
    this.server = new KubernetesMockServer(new Context(MAPPER), web, new HashMap<>(), dispatcher, false);
    server.init(java.net.InetAddress.getLoopbackAddress(), 0);
    this.front = new ApiFront(installedDispatcher(web), new ApiFront.EventRenderer() {
      @Override
      public ObjectNode render(RecordedRequest request, ObjectNode event) {
        return dispatcher.watchEvent(request, event);
      }

      @Override
      public ObjectNode goneBeforeWatch(RecordedRequest request) {
        return dispatcher.goneBeforeWatch(request);
      }

      @Override
      public void opening(RecordedRequest request, long after, Runnable open) {
        dispatcher.opening(request, after, open);
      }
    });
    try (KubernetesClient probe = server.createClient()) {
      this.mockClientConfig = probe.getConfiguration();
    }
    this.client = newClient();
    for (CustomResourceDefinition crd : crds) {
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
  }

  /** A server with Slipstream's CRDs and the given third-party CRDs (resource names from {@link Crds}). */
  public static TestApiServer start(List<String> thirdPartyCrds) {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    Crds.SLIPSTREAM.forEach(r -> crds.add(Crds.load(r)));
    thirdPartyCrds.forEach(r -> crds.add(Crds.load(r)));
    return new TestApiServer(crds);
  }

  /** A server with every CRD Slipstream can use installed. */
  public static TestApiServer startWithAllCrds() {
    return start(Crds.THIRD_PARTY);
  }

  public KubernetesClient client() {
    return client;
  }

  /**
   * Installs a CRD while the server runs (a resource name from {@link Crds}), as a cluster administrator installing
   * KServe or KEDA after Slipstream would: admission checks its kind from now on. Discovery still lists only the CRDs
   * the server started with.
   */
  public void installCrd(String resource) {
    CustomResourceDefinition crd = Crds.load(resource);
    admission.add(crd);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
  }

  /** Removes a CRD (a resource name from {@link Crds}); unlike a real API server, its objects stay stored. */
  public void removeCrd(String resource) {
    client.apiextensions().v1().customResourceDefinitions().withName(Crds.load(resource).getMetadata().getName()).delete();
  }

  /**
   * A fresh client of this server (the operator under test gets its own, like a separate process would), on the
   * JDK's HTTP transport, the one the operator's own process names.
   */
  public KubernetesClient newClient() {
    return newClient(null);
  }

  /** A fresh client whose requests carry {@code userAgent}, so writes can be told apart by who sent them. */
  public KubernetesClient newClient(String userAgent) {
    return newClient(userAgent, null);
  }

  /**
   * A fresh client whose requests carry {@code userAgent} and that reads and writes objects through
   * {@code serialization} (fabric8's own when null), as the operator's client does.
   */
  public KubernetesClient newClient(String userAgent, io.fabric8.kubernetes.client.utils.KubernetesSerialization serialization) {
    var config = new io.fabric8.kubernetes.client.ConfigBuilder(mockClientConfig).withMasterUrl(url());
    if (userAgent != null) {
      config.withUserAgent(userAgent);
    }
    // the JDK's transport, as the operator's Main names it: fabric8 would pick between it and Vert.x at random
    var builder = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withHttpClientFactory(new io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory()).withConfig(config.build());
    return (serialization == null ? builder : builder.withKubernetesSerialization(serialization)).build();
  }

  /** The server's address: every client, kubectl included, talks to it. */
  /**
   * Writes a kubeconfig for this server (a token user, the context's namespace if given), as a user's kubectl or
   * kubectl plugin would find a cluster; returns the file.
   */
  public java.nio.file.Path writeKubeconfig(java.nio.file.Path file, String namespace) throws java.io.IOException {
    return java.nio.file.Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster: {server: %s}
        users:
        - name: test
          user: {token: test}
        contexts:
        - name: test
          context: {cluster: test, user: test%s}
        current-context: test
        """.formatted(url(), namespace == null ? "" : ", namespace: " + namespace));
  }

  public String url() {
    return "http://" + java.net.InetAddress.getLoopbackAddress().getHostAddress() + ":" + front.port() + "/";
  }

  /** The dispatcher the mock's own HTTP server sends requests to (ours, behind the mock's expectations such as /version). */
  private static io.fabric8.mockwebserver.http.Dispatcher installedDispatcher(MockWebServer web) {
    try {
      var field = MockWebServer.class.getDeclaredField("dispatcher");
      field.setAccessible(true);
      return (io.fabric8.mockwebserver.http.Dispatcher) field.get(web);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the mock server's dispatcher moved: " + e.getMessage(), e);
    }
  }

  /** The writes so far (a copy): each as sent, with its refusals. */
  public List<Write> writes() {
    synchronized (dispatcher.writes) {
      return List.copyOf(dispatcher.writes);
    }
  }

  /** Every request's method and path (with its query), by the User-Agent that sent it; in arrival order (a copy). */
  public List<Call> calls() {
    return calls(0);
  }

  /** The requests from the {@code from}th on (a copy), for a reader that has seen those before. */
  public List<Call> calls(int from) {
    synchronized (dispatcher.calls) {
      return List.copyOf(dispatcher.calls.subList(Math.min(from, dispatcher.calls.size()), dispatcher.calls.size()));
    }
  }

  /** How many requests so far. */
  public int callCount() {
    synchronized (dispatcher.calls) {
      return dispatcher.calls.size();
    }
  }

  /**
   * From now on, answers that share of the writes (POST, PUT, PATCH, DELETE) sent with {@code userAgent} with
   * an error instead of applying them: 409 Conflict or 500, alternately, as a busy or restarting API server
   * would. Seeded, so a failing run can be repeated. A share of 0 stops it.
   */
  public void failWrites(String userAgent, double share, long seed) {
    dispatcher.faultAgent = userAgent;
    dispatcher.faultRandom = new java.util.Random(seed);
    dispatcher.faultShare = share;
  }

  /**
   * From now on, answers every request of {@code userAgent} for Secrets in {@code namespace} with 403 Forbidden, as
   * an API server whose RBAC grants that user no Secret access there would.
   */
  public void forbidSecrets(String userAgent, String namespace) {
    dispatcher.forbidden.add(userAgent + " /api/v1/namespaces/" + namespace + "/secrets");
  }

  /** How many writes were answered with an injected error. */
  public long injectedFaults() {
    return dispatcher.faults.get();
  }

  /** One request as the API server saw it, and the HTTP status it was answered with. */
  public record Call(String method, String path, String userAgent, int code) {}

  public long requestCount() {
    return dispatcher.requests.get();
  }

  /** false: CEL rules are not enforced at admission, as on an API server without CEL; the schema still is. */
  public void celRules(boolean on) {
    admission.celRules(on);
  }

  /** Writes refused at admission: each one an object Slipstream or a test tried to store that a real API server would refuse. */
  public List<Write> refusedWrites() {
    return writes().stream().filter(w -> !w.refusals().isEmpty()).toList();
  }

  @Override
  public void close() {
    client.close();
    front.close();
    server.destroy();
  }

  /**
   * A LinkedHashMap (the mock's own kind of store) that also knows its keys by kind, namespace and name. The mock
   * answers every GET (and starts every watch) by testing each stored entry against the request; within
   * {@link #scoped} its entry set holds only the entries of the request's kind (and namespace, and name), as a real
   * API server's cache is kept by resource and namespace, so that a list of one kind does not test the others.
   */
  /** See {@code IndexedStore.storedVersion}. */
  static long storedVersion(String json) {
    return IndexedStore.storedVersion(json);
  }

  private static final class IndexedStore extends java.util.LinkedHashMap<io.fabric8.mockwebserver.crud.AttributeSet, String> {
    private final java.util.Map<String, java.util.Set<io.fabric8.mockwebserver.crud.AttributeSet>> byName = new java.util.HashMap<>();
    /** By plural and namespace ("plural|namespace"), and by plural alone ("plural"). */
    private final java.util.Map<String, java.util.Set<io.fabric8.mockwebserver.crud.AttributeSet>> byKind = new java.util.HashMap<>();
    /** Entries without a plural: every scoped view holds them. */
    private final java.util.Set<io.fabric8.mockwebserver.crud.AttributeSet> kindless = new java.util.LinkedHashSet<>();
    private final ThreadLocal<Scope> scope = new ThreadLocal<>();

    /** What a request can be answered from: entries that may match {@code query}, stored after {@code after}. */
    private record Scope(io.fabric8.mockwebserver.crud.AttributeSet query, long after) {}
    private final java.util.Set<java.util.Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String>> entries = new ScopedEntries();

    private static String attribute(io.fabric8.mockwebserver.crud.AttributeSet attributes, String key) {
      var attribute = attributes.getAttribute(key);
      return attribute == null ? null : String.valueOf(attribute);
    }

    static String nameKey(io.fabric8.mockwebserver.crud.AttributeSet attributes) {
      var name = attributes.getAttribute(io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor.NAME);
      var plural = attributes.getAttribute(io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor.PLURAL);
      if (name == null || plural == null) {
        return null;
      }
      var namespace = attributes.getAttribute(io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor.NAMESPACE);
      return plural + "|" + (namespace == null ? "" : namespace) + "|" + name;
    }

    /** The index keys of a stored entry's kind: its plural with its namespace, and its plural alone. */
    private static List<String> kindKeys(io.fabric8.mockwebserver.crud.AttributeSet attributes) {
      String plural = attribute(attributes, io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor.PLURAL);
      if (plural == null) {
        return List.of();
      }
      String namespace = attribute(attributes, io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor.NAMESPACE);
      return List.of(plural + "|" + (namespace == null ? "" : namespace), plural);
    }

    /** The index key a request's attributes can be answered from: by name, else by kind; null: every entry. */
    private static String scopeKey(io.fabric8.mockwebserver.crud.AttributeSet query) {
      String byName = nameKey(query);
      if (byName != null) {
        return "name:" + byName;
      }
      String plural = attribute(query, io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor.PLURAL);
      if (plural == null) {
        return null;
      }
      String namespace = attribute(query, io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor.NAMESPACE);
      return "kind:" + (namespace == null ? plural : plural + "|" + namespace);
    }

    /** Runs {@code answer} with the entry set limited to the entries that can match {@code query}. */
    <T> T scoped(io.fabric8.mockwebserver.crud.AttributeSet query, java.util.function.Supplier<T> answer) {
      return scoped(query, 0, answer);
    }

    /**
     * Runs {@code answer} with the entry set limited to the entries that can match {@code query} and were stored
     * after resource version {@code after} (0: whenever), as a watch from that version is answered.
     */
    <T> T scoped(io.fabric8.mockwebserver.crud.AttributeSet query, long after, java.util.function.Supplier<T> answer) {
      scope.set(new Scope(query, after));
      try {
        return answer.get();
      } finally {
        scope.remove();
      }
    }

    synchronized java.util.List<io.fabric8.mockwebserver.crud.AttributeSet> named(String key) {
      return List.copyOf(byName.getOrDefault(key, java.util.Set.of()));
    }

    /**
     * The highest resource version written in a stored object (its own, in its metadata; a nested one, if any, is
     * lower): read from the text, not parsed. 0 when there is none: such an entry is never left out.
     */
    static long storedVersion(String json) {
      long highest = 0;
      String field = "\"resourceVersion\":\"";
      for (int at = json.indexOf(field); at >= 0; at = json.indexOf(field, at + 1)) {
        long version = 0;
        int i = at + field.length();
        for (; i < json.length() && Character.isDigit(json.charAt(i)) && i - at - field.length() < 18; i++) {
          version = version * 10 + (json.charAt(i) - '0');
        }
        highest = Math.max(highest, version);
      }
      return highest;
    }

    private synchronized java.util.List<java.util.Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String>> candidates(
        String key, long after) {
      var keys = new java.util.ArrayList<io.fabric8.mockwebserver.crud.AttributeSet>(kindless);
      keys.addAll(key.startsWith("name:") ? byName.getOrDefault(key.substring(5), java.util.Set.of())
          : byKind.getOrDefault(key.substring(5), java.util.Set.of()));
      var found = new java.util.ArrayList<java.util.Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String>>(keys.size());
      for (var k : keys) {
        String value = super.get(k);
        long stored = value == null || after <= 0 ? 0 : storedVersion(value);
        if (value != null && (stored == 0 || stored > after)) {
          found.add(new java.util.AbstractMap.SimpleImmutableEntry<>(k, value));
        }
      }
      return found;
    }

    @Override
    public java.util.Set<java.util.Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String>> entrySet() {
      return entries;
    }

    @Override
    public synchronized String put(io.fabric8.mockwebserver.crud.AttributeSet key, String value) {
      String k = nameKey(key);
      if (k != null) {
        byName.computeIfAbsent(k, x -> new java.util.LinkedHashSet<>()).add(key);
      }
      List<String> kinds = kindKeys(key);
      if (kinds.isEmpty()) {
        kindless.add(key);
      }
      kinds.forEach(kind -> byKind.computeIfAbsent(kind, x -> new java.util.LinkedHashSet<>()).add(key));
      return super.put(key, value);
    }

    @Override
    public synchronized void putAll(java.util.Map<? extends io.fabric8.mockwebserver.crud.AttributeSet, ? extends String> m) {
      m.forEach(this::put);
    }

    @Override
    public synchronized String remove(Object key) {
      if (key instanceof io.fabric8.mockwebserver.crud.AttributeSet a) {
        unindex(a);
      }
      return super.remove(key);
    }

    private void unindex(io.fabric8.mockwebserver.crud.AttributeSet a) {
      String k = nameKey(a);
      var set = k == null ? null : byName.get(k);
      if (set != null) {
        set.remove(a);
        if (set.isEmpty()) {
          byName.remove(k);
        }
      }
      kindless.remove(a);
      for (String kind : kindKeys(a)) {
        var ofKind = byKind.get(kind);
        if (ofKind != null) {
          ofKind.remove(a);
          if (ofKind.isEmpty()) {
            byKind.remove(kind);
          }
        }
      }
    }

    @Override
    public synchronized void clear() {
      byName.clear();
      byKind.clear();
      kindless.clear();
      super.clear();
    }

    /**
     * The map's entry set: within {@link #scoped}, a copy of the entries that can match the request; else the map's
     * own (whose iterator's remove keeps the indexes, through {@link #unindex}).
     */
    private final class ScopedEntries extends java.util.AbstractSet<java.util.Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String>> {
      private java.util.Set<java.util.Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String>> all() {
        return IndexedStore.super.entrySet();
      }

      private java.util.List<java.util.Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String>> inScope() {
        var current = scope.get();
        String key = current == null ? null : scopeKey(current.query());
        return key == null ? null : candidates(key, current.after());
      }

      @Override
      public java.util.Iterator<java.util.Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String>> iterator() {
        var scoped = inScope();
        if (scoped != null) {
          return java.util.Collections.unmodifiableList(scoped).iterator();
        }
        var iterator = all().iterator();
        return new java.util.Iterator<>() {
          private java.util.Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String> last;

          @Override
          public boolean hasNext() {
            return iterator.hasNext();
          }

          @Override
          public java.util.Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String> next() {
            last = iterator.next();
            return last;
          }

          @Override
          public void remove() {
            synchronized (IndexedStore.this) {
              unindex(last.getKey());
              iterator.remove();
            }
          }
        };
      }

      @Override
      public Object[] toArray() {
        var scoped = inScope();
        return scoped != null ? scoped.toArray() : all().toArray();
      }

      @Override
      public <T> T[] toArray(T[] a) {
        var scoped = inScope();
        return scoped != null ? scoped.toArray(a) : all().toArray(a);
      }

      @Override
      public int size() {
        var scoped = inScope();
        return scoped != null ? scoped.size() : IndexedStore.this.size();
      }
    }
  }

  private final class AdmittingDispatcher extends KubernetesCrudDispatcher {
    // appended to under their own lock (a copy-on-write list copied itself on every request: quadratic over a bench)
    final List<Write> writes = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final AtomicLong requests = new AtomicLong();
    final List<Call> calls = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    volatile String faultAgent;
    volatile double faultShare;
    final java.util.Set<String> forbidden = java.util.concurrent.ConcurrentHashMap.newKeySet();
    volatile java.util.Random faultRandom = new java.util.Random(0);
    final AtomicLong faults = new AtomicLong();

    /**
     * The mock's store, indexed by kind, namespace and name. The mock finds an object by testing every stored one
     * (half the machine's time went there at 300 pipelines); its store is swapped for this map, which keeps an
     * index as entries are put and removed, so that looking one object up tests only the entries of its name.
     */
    private final IndexedStore store = new IndexedStore();
    /** The mock's own lock on its store, so that a read of ours never meets a write of its half done. */
    private final java.util.concurrent.locks.ReadWriteLock storeLock;

    AdmittingDispatcher() {
      super(Collections.emptyList());
      try {
        var map = io.fabric8.mockwebserver.crud.CrudDispatcher.class.getDeclaredField("map");
        map.setAccessible(true);
        map.set(this, Collections.synchronizedMap(store));
        var lock = KubernetesCrudDispatcher.class.getDeclaredField("lock");
        lock.setAccessible(true);
        storeLock = (java.util.concurrent.locks.ReadWriteLock) lock.get(this);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("the mock's store or its lock moved: " + e.getMessage(), e);
      }
    }

    @Override
    public java.util.Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String> findResource(
        io.fabric8.mockwebserver.crud.AttributeSet query) {
      String key = IndexedStore.nameKey(query);
      if (key == null) {
        return super.findResource(query);
      }
      for (var candidate : store.named(key)) {
        String value = store.get(candidate);
        if (value != null && candidate.matches(query)) {
          return java.util.Map.entry(candidate, value);
        }
      }
      return null;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      requests.incrementAndGet();
      MockResponse response = answer(request);
      calls.add(new Call(request.method().name(), request.getPath(), request.getHeader("User-Agent"), response.code()));
      return response;
    }

    private MockResponse answer(RecordedRequest request) {
      HttpMethod method = request.method();
      for (String rule : forbidden) {
        String agent = rule.substring(0, rule.indexOf(' '));
        String prefix = rule.substring(rule.indexOf(' ') + 1);
        if (agent.equals(request.getHeader("User-Agent")) && request.getPath().startsWith(prefix)) {
          String namespace = prefix.split("/")[4];
          return new MockResponse().setResponseCode(403).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
              + "\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403,\"details\":{\"kind\":\"secrets\"},"
              + "\"message\":\"secrets is forbidden: User \\\"system:serviceaccount:slipstream-system:slipstream\\\" cannot get"
              + " resource \\\"secrets\\\" in API group \\\"\\\" in the namespace \\\"" + namespace + "\\\"\"}");
        }
      }
      if (method == HttpMethod.GET) {
        return read(request);
      }
      if (method != HttpMethod.POST && method != HttpMethod.PUT && method != HttpMethod.PATCH && method != HttpMethod.DELETE) {
        return super.dispatch(request);
      }
      String path = request.getPath();
      if (faultShare > 0 && faultAgent != null && faultAgent.equals(request.getHeader("User-Agent"))) {
        synchronized (this) {
          if (faultRandom.nextDouble() < faultShare) {
            boolean conflict = faults.incrementAndGet() % 2 == 0;
            return new MockResponse().setResponseCode(conflict ? 409 : 500).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                + "\"status\":\"Failure\",\"reason\":\"" + (conflict ? "Conflict" : "InternalError") + "\",\"code\":"
                + (conflict ? 409 : 500) + ",\"message\":\"injected by the test\"}");
          }
        }
      }
      byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
      if (method == HttpMethod.POST && path.startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
        return rulesReview(body);
      }
      if (method == HttpMethod.PATCH && hasType(request, "application/apply-patch+yaml")) {
        return serverSideApply(request, path, body);
      }
      if (method == HttpMethod.PATCH && hasType(request, "application/json-patch+json") && !path.contains("/status")) {
        // admission sees the object the JSON patch would leave (a patch that does not apply is the mock's to refuse)
        JsonNode current = stored(path);
        JsonNode patch = readJson(body);
        if (current != null && patch != null && patch.isArray()) {
          JsonNode patched;
          try {
            patched = io.fabric8.zjsonpatch.JsonPatch.apply(patch, current.deepCopy());
          } catch (RuntimeException e) {
            patched = null;
          }
          MockResponse refused = patched == null ? null : admitPatched(request, path, body, current, patched);
          if (refused != null) {
            return refused;
          }
        }
      }
      if (method == HttpMethod.PATCH && hasType(request, "application/merge-patch+json")) {
        // the object stored and the patch, read once for admission and for the mock (nothing stored: the mock
        // answers 404 itself)
        JsonNode current = stored(path);
        JsonNode patch = readJson(body);
        if (current != null && patch != null && patch.isObject()) {
          // admission sees the object as the patch would leave it, as a real API server's does (a spec patch only:
          // status has no rules of its own here)
          MockResponse refused = path.contains("/status") ? null
              : admitPatched(request, path, body, current, MergePatch.apply(current.deepCopy(), patch));
          if (refused != null) {
            return refused;
          }
          writes.add(new Write(method.name(), path, null, null, List.of(), request.getHeader("User-Agent"),
              new String(body, java.nio.charset.StandardCharsets.UTF_8)));
          return super.dispatch(mergePatchAsJsonPatch(request, path, current, patch));
        }
      }
      if ((method == HttpMethod.POST || method == HttpMethod.PUT) && body.length > 0 && !path.contains("/status")) {
        try {
          JsonNode parsed = MAPPER.readTree(body);
          if (parsed instanceof ObjectNode object && admission.knows(object.path("apiVersion").asText(), object.path("kind").asText())) {
            JsonNode old = method == HttpMethod.PUT ? stored(path) : null;
            List<String> refusals = admission.admit(object, old);
            writes.add(new Write(method.name(), path, object.path("kind").asText(), object.path("metadata").path("name").asText(), refusals,
                request.getHeader("User-Agent"), new String(body, java.nio.charset.StandardCharsets.UTF_8)));
            if (!refusals.isEmpty()) {
              return invalid(object, refusals);
            }
            byte[] defaulted = MAPPER.writeValueAsBytes(object);
            return super.dispatch(new RecordedRequest(request.getHttpVersion(), method, path, request.getHeaders(), new Buffer(defaulted)));
          }
        } catch (java.io.IOException e) {
          // not JSON: let the CRUD server answer as it does
        }
      }
      writes.add(new Write(method.name(), path, null, null, List.of(), request.getHeader("User-Agent"),
          new String(body, java.nio.charset.StandardCharsets.UTF_8)));
      return super.dispatch(new RecordedRequest(request.getHttpVersion(), method, path, request.getHeaders(), new Buffer(body)));
    }

    /**
     * A read: discovery and OpenAPI as a real API server answers them (the mock would list stored objects), a custom
     * resource or a list of them as a Table when the client asks for one (kubectl does, for its columns), else what
     * the mock stores.
     */
    /** See {@link ApiFront.EventRenderer#opening}: the mock's replay at a watch's opening reads the watch's scope. */
    void opening(RecordedRequest request, long after, Runnable open) {
      store.scoped(attributeExtractor.fromPath(request.getPath()), after, () -> {
        open.run();
        return null;
      });
    }

    private MockResponse read(RecordedRequest request) {
      String path = request.getPath();
      String bare = withoutQuery(path);
      var answer = discovery.answer(bare);
      if (answer.isPresent()) {
        return json(200, answer.get());
      }
      if (bare.equals("/openapi/v2") || bare.equals("/swagger-2.0.0.pb-v1")) {
        // served by a real API server in protobuf only; without it kubectl leaves validation to the server
        return status(404, "NotFound", "OpenAPI v2 is not served: read /openapi/v3");
      }
      MockResponse stored = store.scoped(attributeExtractor.fromPath(path), () -> super.dispatch(request));
      if (path.contains("watch=") || stored.code() != 200 || !wantsTable(request)) {
        return stored;
      }
      try {
        return asTable(request, MAPPER.readTree(stored.getBody().getBytes())).map(table -> json(200, table)).orElse(stored);
      } catch (java.io.IOException e) {
        return new MockResponse().setResponseCode(500).setBody(e.getMessage());
      }
    }

    /**
     * {@code body} (one custom resource or a list of them) as the Table a request asking for Tables gets (kubectl
     * asks, for its columns); empty when the request did not ask or no CRD serves its path.
     */
    private java.util.Optional<JsonNode> asTable(RecordedRequest request, JsonNode body) {
      if (!wantsTable(request)) {
        return java.util.Optional.empty();
      }
      String bare = withoutQuery(request.getPath());
      return discovery.crdOf(bare).map(crd -> discovery.table(crd, bare.substring(1).split("/")[2], body));
    }

    private static boolean wantsTable(RecordedRequest request) {
      String accept = request.getHeader("Accept");
      return accept != null && accept.contains("as=Table");
    }

    private static String withoutQuery(String path) {
      return path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    }

    /**
     * A watch event as a real API server sends it to this request: its object as a one-row Table when the request
     * asked for Tables (kubectl get -w does) and a CRD serves it, else as stored.
     */
    ObjectNode watchEvent(RecordedRequest request, ObjectNode event) {
      if (!(event.get("object") instanceof ObjectNode object)) {
        return event;
      }
      return asTable(request, object).map(table -> {
        ObjectNode rendered = event.deepCopy();
        rendered.set("object", table);
        return rendered;
      }).orElse(event);
    }

    /** See {@link ApiFront.EventRenderer#goneBeforeWatch}: a DELETED event for a custom resource watched by name. */
    ObjectNode goneBeforeWatch(RecordedRequest request) {
      String path = request.getPath();
      java.util.regex.Matcher named = java.util.regex.Pattern.compile("fieldSelector=metadata\\.name(?:%3D|=)([^&]+)")
          .matcher(path);
      String bare = withoutQuery(path);
      var crd = discovery.crdOf(bare);
      if (!named.find() || crd.isEmpty() || stored(bare + "/" + named.group(1)) != null) {
        return null;
      }
      String[] parts = bare.substring(1).split("/");
      ObjectNode event = MAPPER.createObjectNode().put("type", "DELETED");
      ObjectNode object = event.putObject("object").put("apiVersion", parts[1] + "/" + parts[2])
          .put("kind", crd.get().getSpec().getNames().getKind());
      ObjectNode metadata = object.putObject("metadata").put("name", named.group(1));
      if (parts.length > 4 && parts[3].equals("namespaces")) {
        metadata.put("namespace", parts[4]);
      }
      return event;
    }

    private MockResponse json(int code, JsonNode body) {
      try {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
            .setBody(MAPPER.writeValueAsString(body));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * A real API server computes a SelfSubjectRulesReview from RBAC (the mock would store it, or refuse it);
     * this one answers as for a cluster administrator, which the tests' clients are.
     */
    private MockResponse rulesReview(byte[] body) {
      try {
        ObjectNode review = body.length == 0 ? MAPPER.createObjectNode() : (ObjectNode) MAPPER.readTree(body);
        ObjectNode status = review.putObject("status");
        ObjectNode rule = status.putArray("resourceRules").addObject();
        rule.putArray("verbs").add("*");
        rule.putArray("apiGroups").add("*");
        rule.putArray("resources").add("*");
        status.putArray("nonResourceRules");
        status.put("incomplete", false);
        return new MockResponse().setResponseCode(201).setBody(MAPPER.writeValueAsString(review));
      } catch (java.io.IOException e) {
        return new MockResponse().setResponseCode(400).setBody(e.getMessage());
      }
    }

    /**
     * Server-side apply as far as this server can take it: an object that does not exist is created from the applied
     * configuration, one that does gets the applied fields merged into it (a JSON merge patch; finalizers, a set to
     * server-side apply, are added to those there). Both go through
     * admission like any write. What a real API server adds is not done here: field ownership by manager, conflicts
     * between managers, and removing a field a manager applied before and no longer applies.
     */
    private MockResponse serverSideApply(RecordedRequest request, String path, byte[] body) {
      JsonNode applied = readJson(body);
      if (applied == null) {
        try {
          applied = Serialization.yamlMapper().readTree(body);
        } catch (java.io.IOException e) {
          applied = null;
        }
      }
      if (!(applied instanceof ObjectNode object)) {
        return status(400, "BadRequest", "the applied configuration is not an object");
      }
      String bare = withoutQuery(path);
      JsonNode existing = bare.endsWith("/status") ? null : stored(bare);
      if (existing != null && object.path("metadata").path("finalizers").isArray()) {
        // finalizers are a set to server-side apply: the applied ones are added to those there, none is dropped
        java.util.LinkedHashSet<String> union = new java.util.LinkedHashSet<>();
        existing.path("metadata").path("finalizers").forEach(f -> union.add(f.asText()));
        object.path("metadata").path("finalizers").forEach(f -> union.add(f.asText()));
        ArrayNode finalizers = ((ObjectNode) object.get("metadata")).putArray("finalizers");
        union.forEach(finalizers::add);
      }
      byte[] json;
      try {
        json = MAPPER.writeValueAsBytes(object);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      if (bare.endsWith("/status") || existing != null) {
        var headers = request.getHeaders().newBuilder().set("Content-Type", "application/merge-patch+json").build();
        return answer(new RecordedRequest(request.getHttpVersion(), HttpMethod.PATCH, path, headers, new Buffer(json)));
      }
      var headers = request.getHeaders().newBuilder().set("Content-Type", "application/json").build();
      MockResponse created = answer(new RecordedRequest(request.getHttpVersion(), HttpMethod.POST,
          bare.substring(0, bare.lastIndexOf('/')), headers, new Buffer(json)));
      return created.code() == 200 ? created.setResponseCode(201) : created;
    }

    private static MockResponse status(int code, String reason, String message) {
      return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
          .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"" + reason
              + "\",\"code\":" + code + ",\"message\":\"" + message.replace("\"", "\\\"") + "\"}");
    }

    /** The refusal of a patch whose result admission refuses (recorded as a refused write), or null. */
    private MockResponse admitPatched(RecordedRequest request, String path, byte[] body, JsonNode current, JsonNode patched) {
      if (!(current instanceof ObjectNode)
          || !admission.knows(current.path("apiVersion").asText(), current.path("kind").asText())) {
        return null;
      }
      if (!(patched instanceof ObjectNode object)) {
        return null;
      }
      List<String> refusals = admission.admit(object, current);
      if (refusals.isEmpty()) {
        return null;
      }
      writes.add(new Write("PATCH", path, object.path("kind").asText(), object.path("metadata").path("name").asText(),
          refusals, request.getHeader("User-Agent"), new String(body, java.nio.charset.StandardCharsets.UTF_8)));
      try {
        return invalid(object, refusals);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    private static JsonNode readJson(byte[] body) {
      try {
        return MAPPER.readTree(body);
      } catch (java.io.IOException e) {
        return null;
      }
    }

    private static boolean hasType(RecordedRequest request, String contentType) {
      String type = request.getHeader("Content-Type");
      return type != null && type.startsWith(contentType);
    }

    /**
     * The mock applies a JSON merge patch with Jackson's readerForUpdating, which appends to arrays and
     * stores nulls; RFC 7386 (and a real API server) replaces arrays and removes null fields. We apply
     * the merge here and hand the mock an equivalent JSON Patch of the top-level fields, which it applies
     * correctly.
     */
    private RecordedRequest mergePatchAsJsonPatch(RecordedRequest request, String path, JsonNode current, JsonNode patch) {
      ArrayNode ops = MAPPER.createArrayNode();
      patch.fields().forEachRemaining(field -> {
        String pointer = "/" + field.getKey().replace("~", "~0").replace("/", "~1");
        if (field.getValue().isNull()) {
          if (current.has(field.getKey())) {
            ops.addObject().put("op", "remove").put("path", pointer);
          }
        } else {
          ops.addObject().put("op", "add").put("path", pointer)
              .set("value", MergePatch.apply(current.get(field.getKey()), field.getValue()));
        }
      });
      var headers = request.getHeaders().newBuilder().set("Content-Type", "application/json-patch+json").build();
      try {
        return new RecordedRequest(request.getHttpVersion(), request.method(), path, headers,
            new Buffer(MAPPER.writeValueAsBytes(ops)));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    private JsonNode stored(String path) {
      String resourcePath = withoutQuery(path);
      if (resourcePath.endsWith("/status")) {
        resourcePath = resourcePath.substring(0, resourcePath.length() - "/status".length());
      }
      java.util.concurrent.locks.Lock read = storeLock.readLock();
      java.util.Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String> found;
      read.lock();
      try {
        found = findResource(getKey(resourcePath));
      } finally {
        read.unlock();
      }
      if (found == null) {
        return null;
      }
      try {
        return MAPPER.readTree(found.getValue());
      } catch (java.io.IOException e) {
        return null;
      }
    }

    private MockResponse invalid(ObjectNode object, List<String> refusals) throws java.io.IOException {
      String kind = object.path("kind").asText();
      String name = object.path("metadata").path("name").asText();
      String apiVersion = object.path("apiVersion").asText();
      // the causes and what they are about, as a real API server details a 422: kubectl prints them
      var details = new io.fabric8.kubernetes.api.model.StatusDetailsBuilder().withName(name).withKind(kind)
          .withGroup(apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "");
      refusals.forEach(r -> details.addNewCause().withReason("FieldValueInvalid").withMessage(r).endCause());
      var status = new StatusBuilder()
          .withStatus("Failure")
          .withReason("Invalid")
          .withCode(422)
          .withMessage(kind + " \"" + name + "\" is invalid: " + String.join(", ", refusals))
          .withDetails(details.build())
          .build();
      return new MockResponse().setResponseCode(422).setBody(MAPPER.writeValueAsString(status));
    }
  }
}
