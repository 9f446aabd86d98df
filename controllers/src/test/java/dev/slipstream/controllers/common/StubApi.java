package dev.slipstream.controllers.common;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP server on loopback answering one path prefix as a test says, and a Kubernetes client aimed at it that does
 * not retry: for the few cases where what matters is the client's handling of one exact answer (a status code, a
 * body), which the test API server in CRUD mode does not give.
 */
final class StubApi implements AutoCloseable {
  /** One answer: its status code and body. */
  record Answer(int code, String body) {}

  interface Handler {
    Answer answer(HttpExchange exchange) throws IOException;
  }

  private final HttpServer server;
  final KubernetesClient client;

  StubApi(String prefix, Handler handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(prefix, exchange -> {
      Answer answer = handler.answer(exchange);
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer.code(), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    client = new KubernetesClientBuilder().withHttpClientFactory(new JdkHttpClientFactory())
        .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort())
            .withRequestRetryBackoffLimit(0).build()).build();
  }

  @Override
  public void close() {
    client.close();
    server.stop(0);
  }
}
