package dev.slipstream.testkit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small model server speaking the KServe V2 / Open Inference Protocol over HTTP on loopback, as KServe and
 * Triton do: {@code POST /v2/models/{name}/infer} and {@code GET /v2/health/ready}. Its score is a fixed
 * function of the input (the logistic of a tenth of the sum of the inputs, plus the version's bias), so a test
 * knows what each event should get. It takes batches as a batching server does (the input tensor's first dimension,
 * one score per row) and can cost what a batched model costs: a fixed part per request and a small part per event.
 * How it answers is settable while it runs: latency, share of failures (HTTP 503), no answer at all, and which
 * version answers. It counts requests, their sizes and the most it had in flight.
 */
public final class TestModelServer implements AutoCloseable {
  static {
    // TCP_NODELAY, as a model server sets it (Triton, KServe's servers): without it the JDK's server holds a
    // response's last segment until the client acknowledges the first, and the client's delayed acknowledgement
    // stalled whole seconds of round trips by 40 ms each. Read once, when the JDK's server is first loaded.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER).build());
  private final HttpServer server;
  private final ScheduledExecutorService delays = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "test-model-delays");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, List<Weighted>> routes = new ConcurrentHashMap<>();
  private final Queue<HttpExchange> held = new ConcurrentLinkedQueue<>();
  /** Inference requests not answered yet (HttpExchange attributes are shared by the context on Java 17: not usable). */
  private final Set<HttpExchange> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  /** Requests by the number of events they carried (the first dimension of their input tensor). */
  private final Map<Integer, AtomicLong> batchSizes = new ConcurrentHashMap<>();

  /**
   * How one model answers: after {@code latencyMs} per request plus {@code perItemMs} for each event in it (a
   * batched model's cost: a fixed part and a small part per item), failing {@code errorPercent} of requests, or never
   * ({@code hang}).
   */
  public record Behaviour(String version, double latencyMs, double errorPercent, boolean hang, double bias, double perItemMs,
      double flipPercent) {
    public Behaviour(String version, double latencyMs, double errorPercent, boolean hang, double bias, double perItemMs) {
      this(version, latencyMs, errorPercent, hang, bias, perItemMs, 0);
    }

    public static Behaviour healthy(String version) {
      return new Behaviour(version, 0, 0, false, 0, 0);
    }

    /**
     * A model that disagrees on about {@code percent} of its inputs: there (chosen by the inputs themselves, so the
     * same row always gets the same answer) its score is moved by half the range, the rest scored as usual.
     */
    public Behaviour withFlips(double percent) {
      return new Behaviour(version, latencyMs, errorPercent, hang, bias, perItemMs, percent);
    }

    public Behaviour withLatency(double ms) {
      return new Behaviour(version, ms, errorPercent, hang, bias, perItemMs, flipPercent);
    }

    /** A batched model: {@code fixedMs} for each request and {@code perItemMs} more for each event in it. */
    public Behaviour withBatchCost(double fixedMs, double perItem) {
      return new Behaviour(version, fixedMs, errorPercent, hang, bias, perItem, flipPercent);
    }

    public Behaviour withErrors(double percent) {
      return new Behaviour(version, latencyMs, percent, hang, bias, perItemMs, flipPercent);
    }

    public Behaviour hanging() {
      return new Behaviour(version, latencyMs, errorPercent, true, bias, perItemMs, flipPercent);
    }

    public Behaviour withBias(double b) {
      return new Behaviour(version, latencyMs, errorPercent, hang, b, perItemMs, flipPercent);
    }
  }

  private TestModelServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    server.createContext("/v2/health/ready", ex -> respond(ex, 200, "{}"));
    server.createContext("/v2/models/", this::infer);
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "test-model");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  public static TestModelServer start() {
    try {
      return new TestModelServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base URL, as the job contract's endpoint: {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A version that answers a share of a model's requests. */
  public record Weighted(Behaviour behaviour, int weight) {}

  /** From now on {@code model} answers this way (a model not set answers at once as version "1"). */
  public TestModelServer answer(String model, Behaviour behaviour) {
    return split(model, List.of(new Weighted(behaviour, 100)));
  }

  /** From now on each request to {@code model} is answered by one of these, chosen by weight, as a traffic split does. */
  public TestModelServer split(String model, List<Weighted> versions) {
    routes.put(model, List.copyOf(versions));
    if (versions.stream().noneMatch(w -> w.behaviour().hang())) {
      release();
    }
    return this;
  }

  private Behaviour pick(String model) {
    List<Weighted> versions = routes.get(model);
    if (versions == null || versions.isEmpty()) {
      return Behaviour.healthy("1");
    }
    int total = versions.stream().mapToInt(Weighted::weight).sum();
    int roll = total <= 0 ? 0 : ThreadLocalRandom.current().nextInt(total);
    for (Weighted w : versions) {
      roll -= w.weight();
      if (roll < 0) {
        return w.behaviour();
      }
    }
    return versions.get(0).behaviour();
  }

  /** The score this server gives for these inputs from a model with {@code bias}. */
  public static double score(double[] inputs, double bias) {
    double sum = 0;
    for (double v : inputs) {
      sum += v;
    }
    return 1.0 / (1.0 + Math.exp(-(sum / 10.0 + bias)));
  }

  /** Whether a model that disagrees on {@code percent} of its inputs disagrees on this row. */
  public static boolean flipped(double[] row, double percent) {
    return percent > 0 && Math.floorMod(java.util.Arrays.hashCode(row) * 0x9E3779B1, 10_000) < percent * 100;
  }

  /** Forgets the counts and what was in flight so far (for a new test on the same server). */
  public void resetCounts() {
    release();
    requests.set(0);
    failures.set(0);
    batchSizes.clear();
    maxInFlight.set(inFlight.get());
  }

  public long requests() {
    return requests.get();
  }

  /** Requests so far by the number of events each carried. */
  public Map<Integer, Long> batchSizes() {
    Map<Integer, Long> sizes = new java.util.TreeMap<>();
    batchSizes.forEach((size, count) -> sizes.put(size, count.get()));
    return sizes;
  }

  /** Events scored so far, over every request. */
  public long items() {
    return batchSizes.entrySet().stream().mapToLong(e -> e.getKey() * e.getValue().get()).sum();
  }

  public long failures() {
    return failures.get();
  }

  public int inFlight() {
    return inFlight.get();
  }

  /** The largest number of requests this server had in flight at once. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  private void infer(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    List<String> parts = List.of(path.split("/"));
    if (!"POST".equals(ex.getRequestMethod()) || parts.size() != 5 || !"infer".equals(parts.get(4))) {
      respond(ex, 404, "{\"error\":\"no such route\"}");
      return;
    }
    String model = parts.get(3);
    byte[] body = ex.getRequestBody().readAllBytes();
    requests.incrementAndGet();
    open.add(ex);
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    Request request = Request.parse(body);
    int rows = request.rows();
    batchSizes.computeIfAbsent(rows, r -> new AtomicLong()).incrementAndGet();
    Behaviour b = pick(model);
    if (b.hang()) {
      held.add(ex);
      return;
    }
    Runnable answer = () -> answer(ex, model, request, b);
    double latencyMs = b.latencyMs() + b.perItemMs() * rows;
    if (latencyMs > 0) {
      delays.schedule(answer, Math.round(latencyMs * 1000), TimeUnit.MICROSECONDS);
    } else {
      answer.run();
    }
  }

  /**
   * What the server reads of a V2 request: its id, the first input's shape and its values (a text value counts as
   * 0), read as a stream: a model stand-in that built a tree of every request took as much of the machine's cores
   * as the job it served.
   */
  private record Request(String id, int rows, double[] data, boolean readable) {
    static Request parse(byte[] body) {
      String id = "";
      int rows = 1;
      double[] data = new double[0];
      boolean readable = false;
      try (JsonParser p = JSON.getFactory().createParser(body)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return new Request(id, rows, data, false);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          if ("id".equals(field)) {
            id = p.getValueAsString("");
          } else if ("inputs".equals(field) && p.currentToken() == JsonToken.START_ARRAY) {
            boolean first = true;
            while (p.nextToken() == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (first && "shape".equals(name) && p.currentToken() == JsonToken.START_ARRAY) {
                  p.nextToken();
                  rows = Math.max(1, p.getValueAsInt(1));
                  p.skipChildren();
                  while (p.currentToken() != JsonToken.END_ARRAY) {
                    p.nextToken();
                  }
                } else if (first && "data".equals(name) && p.currentToken() == JsonToken.START_ARRAY) {
                  double[] values = new double[16];
                  int n = 0;
                  while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (n == values.length) {
                      values = java.util.Arrays.copyOf(values, n * 2);
                    }
                    values[n++] = p.currentToken().isNumeric() ? p.getDoubleValue() : 0;
                    p.skipChildren();
                  }
                  data = java.util.Arrays.copyOf(values, n);
                  readable = true;
                } else {
                  p.skipChildren();
                }
              }
              first = false;
            }
          } else {
            p.skipChildren();
          }
        }
      } catch (IOException e) {
        return new Request(id, rows, data, false);
      }
      return new Request(id, rows, data, readable);
    }
  }

  /** One score per row of the input: a batch of n is answered with a [n, 1] tensor, its rows in the request's order. */
  private void answer(HttpExchange ex, String model, Request request, Behaviour b) {
    try {
      if (b.errorPercent() > 0 && ThreadLocalRandom.current().nextDouble(100) < b.errorPercent()) {
        failures.incrementAndGet();
        respond(ex, 503, "{\"error\":\"model overloaded\"}");
        return;
      }
      int rows = request.rows();
      double[] data = request.data();
      if (!request.readable() || data.length == 0 || data.length % rows != 0) {
        failures.incrementAndGet();
        respond(ex, 400, "{\"error\":\"unreadable request\"}");
        return;
      }
      int width = data.length / rows;
      StringBuilder json = new StringBuilder(96 + rows * 24).append("{\"model_name\":").append(quote(model))
          .append(",\"model_version\":").append(quote(b.version())).append(",\"id\":").append(quote(request.id()))
          .append(",\"outputs\":[{\"name\":\"score\",\"shape\":[").append(rows)
          .append(",1],\"datatype\":\"FP64\",\"data\":[");
      for (int r = 0; r < rows; r++) {
        if (r > 0) {
          json.append(',');
        }
        double[] row = java.util.Arrays.copyOfRange(data, r * width, (r + 1) * width);
        double score = score(row, b.bias());
        // the shortest text that reads back as the same double, written as the job's own writer does
        json.append(com.fasterxml.jackson.core.io.NumberOutput.toString(
            flipped(row, b.flipPercent()) ? (score + 0.5) % 1.0 : score, true));
      }
      respond(ex, 200, json.append("]}]}").toString());
    } catch (IOException e) {
      // the client went away
    }
  }

  private static String quote(String text) throws IOException {
    return JSON.writeValueAsString(text);
  }

  private void respond(HttpExchange ex, int status, String json) throws IOException {
    // out of flight before the answer leaves: a client that has its answer may send the next one at once
    if (open.remove(ex)) {
      inFlight.decrementAndGet();
    }
    try (ex) {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, bytes.length);
      ex.getResponseBody().write(bytes);
    }
  }

  /** Answers every held request with 503, as a server that comes back would. */
  private void release() {
    HttpExchange ex;
    while ((ex = held.poll()) != null) {
      try {
        respond(ex, 503, "{\"error\":\"released\"}");
      } catch (IOException ignored) {
        // the client gave up on it
      }
    }
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    delays.shutdownNow();
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
