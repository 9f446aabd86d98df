package dev.slipstream.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.fabric8.mockwebserver.vertx.HttpServerRequestHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The test API server's HTTP face. Every request goes to the mock's dispatcher as the mock's own server would send
 * it, WebSocket watches included (the Kubernetes client's kind); a watch asked for over plain HTTP, as kubectl and
 * client-go ask for one, is streamed here as a real API server streams it: one chunked response, a JSON watch event
 * per line. Either kind of watch gets the events from the resource version the client gives on, as from a real API
 * server: the mock would replay every stored object as ADDED, which {@code kubectl get -w} would print twice and an
 * informer, which lists first, would take in twice (at a restart over thousands of objects, twice the work a real
 * API server asks of it).
 */
final class ApiFront implements AutoCloseable {
  private static final List<String> SUB_PROTOCOLS = List.of("v1.channel.k8s.io", "v2.channel.k8s.io", "v3.channel.k8s.io",
      "v4.channel.k8s.io");

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  /**
   * @param dispatcher what answers each request
   * @param events what a watch event's object becomes for the request that watches (a Table row, when it asked for
   *     one), given the request and the event
   */
  ApiFront(Dispatcher dispatcher, EventRenderer events) {
    HttpServerRequestHandler plain = new HttpServerRequestHandler(vertx) {
      @Override
      protected MockResponse onHttpRequest(RecordedRequest request) {
        MockResponse answer = dispatcher.dispatch(request);
        long after = resourceVersion(queryParameter(request.getPath(), "resourceVersion"));
        WebSocketListener watch = answer.getWebSocketListener();
        return watch == null ? answer : answer.withWebSocketUpgrade(new FromVersion(watch, after, request, events));
      }
    };
    server = vertx.createHttpServer(new HttpServerOptions().setHost(InetAddress.getLoopbackAddress().getHostAddress()).setPort(0)
        .setWebSocketSubProtocols(SUB_PROTOCOLS).setHandle100ContinueAutomatically(true));
    server.requestHandler(request -> {
      if (isHttpWatch(request)) {
        watch(request, dispatcher, events);
      } else {
        plain.handle(request);
      }
    });
    await(server.listen().toCompletionStage().toCompletableFuture());
  }

  /** What a watch event's line is for the request that watches. */
  interface EventRenderer {
    /** @return the event to send (the same or another object), or null to send nothing */
    ObjectNode render(RecordedRequest request, ObjectNode event);

    /**
     * The DELETED event a real API server would replay to a watch of one object by name from a resource version,
     * when the object went before the watch opened (the mock keeps no history: kubectl delete, which lists and then
     * watches, would wait for an event already sent); null when the object is still there or the watch is not of one.
     */
    ObjectNode goneBeforeWatch(RecordedRequest request);

    /**
     * Opens a watch: the mock sends every stored object it matches as ADDED when it opens; {@code open} is run where
     * the objects it reads are only those of the watched kind stored after {@code after} (all of them for 0), which
     * are all a watch from that version may be sent.
     */
    default void opening(RecordedRequest request, long after, Runnable open) {
      open.run();
    }
  }

  int port() {
    return server.actualPort();
  }

  /** A GET with {@code watch=true} (or 1) that is not a WebSocket upgrade. */
  static boolean isHttpWatch(HttpServerRequest request) {
    if (request.method() != io.vertx.core.http.HttpMethod.GET || request.headers().contains("Upgrade")) {
      return false;
    }
    String watch = request.getParam("watch");
    return "true".equals(watch) || "1".equals(watch);
  }

  private static void watch(HttpServerRequest request, Dispatcher dispatcher, EventRenderer events) {
    Headers headers = Headers.builder().addAll(request.headers()).build();
    RecordedRequest recorded = new RecordedRequest(request.version().alpnName().toUpperCase(java.util.Locale.ROOT),
        HttpMethod.GET, request.uri(), headers, new Buffer(new byte[0]));
    MockResponse answer = dispatcher.dispatch(recorded);
    HttpServerResponse out = request.response();
    WebSocketListener listener = answer.getWebSocketListener();
    if (listener == null) {
      out.setStatusCode(answer.code());
      answer.getHeaders().toMultimap().forEach((k, v) -> out.headers().add(k, v));
      out.end(io.vertx.core.buffer.Buffer.buffer(answer.getBody() == null ? new byte[0] : answer.getBody().getBytes()));
      return;
    }
    long after = resourceVersion(request.getParam("resourceVersion"));
    out.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-cache");
    out.writeHead();
    ChunkedWatch stream = new ChunkedWatch(recorded, out, after, events);
    out.closeHandler(v -> {
      stream.closed = true;
      listener.onClosed(stream, 1000, "the client went away");
    });
    events.opening(recorded, after, () -> listener.onOpen(stream, answer));
    if (after > 0) {
      ObjectNode gone = events.goneBeforeWatch(recorded);
      if (gone != null) {
        stream.deliver(gone);
      }
    }
  }

  /** A query parameter of a request path, or null. */
  static String queryParameter(String path, String name) {
    int q = path == null ? -1 : path.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String pair : path.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /**
   * Whether a watch event is the mock's replay of an object stored before the resource version the watch was asked
   * from. Only ADDED is: the mock sends DELETED with the object as last stored, whose version the client may well
   * have listed already.
   */
  static boolean replayed(JsonNode event, long after) {
    return after > 0 && "ADDED".equals(event.path("type").asText())
        && resourceVersion(event.path("object").path("metadata").path("resourceVersion").asText()) <= after;
  }

  /** A WebSocket watch: the mock's listener, opened in the watch's scope, its replays of older objects left out. */
  private static final class FromVersion extends WebSocketListener {
    private final WebSocketListener mock;
    private final long after;
    private final RecordedRequest request;
    private final EventRenderer events;
    private volatile Filtered socket;

    FromVersion(WebSocketListener mock, long after, RecordedRequest request, EventRenderer events) {
      this.mock = mock;
      this.after = after;
      this.request = request;
      this.events = events;
    }

    private Filtered socket(WebSocket ws) {
      Filtered s = socket;
      if (s == null || s.ws != ws) {
        s = new Filtered(ws, after);
        socket = s;
      }
      return s;
    }

    @Override
    public void onBeforeAccept(WebSocket ws, io.fabric8.mockwebserver.http.Response response) {
      mock.onBeforeAccept(socket(ws), response);
    }

    @Override
    public void onOpen(WebSocket ws, io.fabric8.mockwebserver.http.Response response) {
      events.opening(request, after, () -> mock.onOpen(socket(ws), response));
    }

    @Override
    public void onMessage(WebSocket ws, String text) {
      mock.onMessage(socket(ws), text);
    }

    @Override
    public void onMessage(WebSocket ws, io.fabric8.mockwebserver.http.ByteString bytes) {
      mock.onMessage(socket(ws), bytes);
    }

    @Override
    public void onMessage(WebSocket ws, byte[] bytes) {
      mock.onMessage(socket(ws), bytes);
    }

    @Override
    public void onClosing(WebSocket ws, int code, String reason) {
      mock.onClosing(socket(ws), code, reason);
    }

    @Override
    public void onClosed(WebSocket ws, int code, String reason) {
      mock.onClosed(socket(ws), code, reason);
    }

    @Override
    public void onFailure(WebSocket ws, Throwable t, io.fabric8.mockwebserver.http.Response response) {
      mock.onFailure(socket(ws), t, response);
    }
  }

  /** The client's WebSocket, sending everything but replays of objects older than the watch. */
  private static final class Filtered implements WebSocket {
    final WebSocket ws;
    private final long after;

    Filtered(WebSocket ws, long after) {
      this.ws = ws;
      this.after = after;
    }

    @Override
    public RecordedRequest request() {
      return ws.request();
    }

    @Override
    public boolean send(String text) {
      // cheap tests first: a watch from nothing is sent everything, and most events of a running watch are not ADDED
      if (after > 0 && text.contains("\"ADDED\"")) {
        try {
          if (replayed(Serialization.jsonMapper().readTree(text), after)) {
            return true;
          }
        } catch (java.io.IOException e) {
          // not JSON: sent as it is
        }
      }
      return ws.send(text);
    }

    @Override
    public boolean send(byte[] bytes) {
      return send(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public boolean close(int code, String reason) {
      return ws.close(code, reason);
    }
  }

  /** A resource version as a number; 0 (every event) when absent, "0" or not a number. */
  static long resourceVersion(String value) {
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The mock's watch listener writes to this as to a WebSocket; each message becomes a line of the response. */
  private static final class ChunkedWatch implements WebSocket {
    private final RecordedRequest request;
    private final HttpServerResponse out;
    private final long after;
    private final EventRenderer events;
    volatile boolean closed;

    ChunkedWatch(RecordedRequest request, HttpServerResponse out, long after, EventRenderer events) {
      this.request = request;
      this.out = out;
      this.after = after;
      this.events = events;
    }

    @Override
    public RecordedRequest request() {
      return request;
    }

    @Override
    public boolean send(String text) {
      if (closed) {
        return false;
      }
      try {
        JsonNode event = Serialization.jsonMapper().readTree(text);
        if (!(event instanceof ObjectNode object)) {
          return false;
        }
        // the mock replays every stored object as ADDED when a watch opens; a real API server sends only what changed
        // after the resource version the client listed at
        if (replayed(object, after)) {
          return true;
        }
        ObjectNode rendered = events.render(request, object);
        if (rendered != null) {
          deliver(rendered);
        }
        return true;
      } catch (java.io.IOException | IllegalStateException e) {
        return false;
      }
    }

    /** Writes one event as a line of the response. */
    void deliver(ObjectNode event) {
      if (closed) {
        return;
      }
      try {
        out.write(Serialization.jsonMapper().writeValueAsString(event) + "\n");
      } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalStateException e) {
        // the client went away
      }
    }

    @Override
    public boolean send(byte[] bytes) {
      return send(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public boolean close(int code, String reason) {
      if (!closed) {
        closed = true;
        out.end();
      }
      return true;
    }
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the test API server's front did not start: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway
    } finally {
      vertx.close();
    }
  }
}
