package dev.slipstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.testkit.TestModelServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class V2ClientTest {
  private static final long DEADLINE_MS = 500;
  private static final byte[] BODY = V2Codec.request("e1", new double[] {1, 2, 3}, null);

  /** Every attempt the client reports: how long it took, whether it failed. */
  private record Attempt(long millis, boolean failed) {}

  @Test
  void anEndpointThatDropsConnectionAttemptsTimesTheEventOutAtItsDeadlineNotAtTheConnectTimeout() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    List<Socket> queued = new ArrayList<>();
    // a server that never accepts, its accept queue full: the kernel drops further connection attempts unanswered
    try (ServerSocket full = new ServerSocket(0, 1, loopback)) {
      boolean dropping = false;
      while (!dropping && queued.size() < 64) {
        Socket s = new Socket();
        try {
          s.connect(new InetSocketAddress(loopback, full.getLocalPort()), 200);
          queued.add(s);
        } catch (SocketTimeoutException dropped) {
          s.close();
          dropping = true;
        }
      }
      assertThat(dropping).as("connection attempts dropped once the accept queue is full").isTrue();
      List<Attempt> attempts = new CopyOnWriteArrayList<>();
      try (V2Client client = client(attempts)) {
        CompletableFuture<V2Codec.Answer> answer = client.infer("http://127.0.0.1:" + full.getLocalPort(), "fraud", BODY,
            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS));
        assertThat(answer).failsWithin(V2Client.CONNECT_TIMEOUT.multipliedBy(2)).withThrowableOfType(ExecutionException.class)
            .havingCause().isInstanceOfSatisfying(InferenceException.class, e -> assertThat(e.isTimeout()).isTrue());
      }
      assertThat(attempts).as("one attempt, given up with the event's time, not the pool's %s connect timeout",
          V2Client.CONNECT_TIMEOUT).singleElement()
          .satisfies(a -> assertThat(a.failed()).isTrue())
          .satisfies(a -> assertThat(a.millis()).isLessThan(V2Client.CONNECT_TIMEOUT.toMillis() - DEADLINE_MS));
    } finally {
      for (Socket s : queued) {
        s.close();
      }
    }
  }

  @Test
  void anEndpointThatAcceptsIsAnsweredWithinTheSameDeadline() throws Exception {
    try (TestModelServer model = TestModelServer.start()) {
      model.answer("fraud", TestModelServer.Behaviour.healthy("1"));
      List<Attempt> attempts = new CopyOnWriteArrayList<>();
      try (V2Client client = client(attempts)) {
        V2Codec.Answer answer = client.infer(model.url(), "fraud", BODY,
            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS)).get();
        assertThat(answer.modelVersion()).isEqualTo("1");
      }
      assertThat(attempts).singleElement().satisfies(a -> assertThat(a.failed()).isFalse());
    }
  }

  private static V2Client client(List<Attempt> attempts) {
    return new V2Client(new RetryPolicy(2), (nanos, model, version, failed) ->
        attempts.add(new Attempt(TimeUnit.NANOSECONDS.toMillis(nanos), failed)), 2);
  }
}
