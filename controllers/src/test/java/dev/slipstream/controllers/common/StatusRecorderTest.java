package dev.slipstream.controllers.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.api.v1alpha1.StreamingPipelineStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The status write over HTTP, against a server answering each pipeline as an API server would. */
class StatusRecorderTest {
  private StubApi api;
  private KubernetesClient client;
  private final List<String> patched = new CopyOnWriteArrayList<>();
  /** Pipeline name to the status code its status patch is answered with. */
  private final Map<String, Integer> answers = Map.of("live", 200, "gone", 404, "forbidden", 403);

  @BeforeEach
  void start() throws IOException {
    api = new StubApi("/apis/slipstream.dev/", exchange -> {
      String name = exchange.getRequestURI().getPath().replaceAll(".*/streamingpipelines/([^/]+)/status$", "$1");
      patched.add(exchange.getRequestMethod() + " " + name);
      int code = answers.getOrDefault(name, 404);
      return new StubApi.Answer(code, code == 200
          ? "{\"apiVersion\":\"slipstream.dev/v1alpha1\",\"kind\":\"StreamingPipeline\",\"metadata\":{\"name\":\"" + name
              + "\",\"namespace\":\"team\",\"resourceVersion\":\"8\"},\"status\":{\"phase\":\"Ready\"}}"
          : "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + code + "}");
    });
    client = api.client;
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static StreamingPipeline pipeline(String name) {
    StreamingPipeline p = new StreamingPipeline();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("team").withResourceVersion("7").build());
    return p;
  }

  private static StreamingPipelineStatus ready() {
    StreamingPipelineStatus status = new StreamingPipelineStatus();
    status.phase = "Ready";
    return status;
  }

  @Test
  void aPipelineThatIsThereHasItsStatusWritten() {
    StreamingPipeline live = pipeline("live");
    assertThat(new StatusRecorder(client).record(live, ready())).isTrue();
    assertThat(patched).containsExactly("PATCH live");
    assertThat(live.getStatus().phase).isEqualTo("Ready");
  }

  @Test
  void aPipelineDeletedWhileItWasReconciledHasNoStatusToWriteAndNoErrorToRetry() {
    StreamingPipeline gone = pipeline("gone");
    assertThat(new StatusRecorder(client).record(gone, ready())).isFalse();
    assertThat(patched).containsExactly("PATCH gone");
    assertThat(gone.getStatus().phase).as("not taken as written").isNull();
  }

  @Test
  void anyOtherRefusalIsStillAnError() {
    assertThatThrownBy(() -> new StatusRecorder(client).record(pipeline("forbidden"), ready()))
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
  }
}
