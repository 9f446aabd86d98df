package dev.slipstream.controllers.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipstream.core.model.ThirdPartyKinds;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CRD check over HTTP, against a server answering as an API server does for each case. */
class KindsTest {
  private StubApi api;
  private KubernetesClient client;
  private final List<String> accepts = new CopyOnWriteArrayList<>();
  /** CRD name to the status code answered; a 200 carries a body that is not even JSON: it must not be parsed. */
  private final Map<String, Integer> answers = Map.of(
      ThirdPartyKinds.INFERENCE_SERVICE.crdName(), 200,
      ThirdPartyKinds.SCALED_OBJECT.crdName(), 404,
      ThirdPartyKinds.HTTP_ROUTE.crdName(), 403);

  @BeforeEach
  void start() throws IOException {
    api = new StubApi("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/", exchange -> {
      accepts.add(exchange.getRequestHeaders().getFirst("Accept"));
      String name = exchange.getRequestURI().getPath().replaceAll(".*/", "");
      int code = answers.getOrDefault(name, 404);
      return new StubApi.Answer(code, code == 200 ? "x".repeat(2_000_000) : "{\"kind\":\"Status\",\"code\":" + code + "}");
    });
    client = api.client;
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void aCrdThatIsThereIsInstalledFromItsStatusCodeAloneAndOnlyItsMetadataIsAskedFor() {
    assertThat(Kinds.installed(client, ThirdPartyKinds.INFERENCE_SERVICE)).isTrue();
    assertThat(accepts).containsExactly(Kinds.METADATA_ONLY);
  }

  @Test
  void aCrdThatIsNotThereIsNotInstalled() {
    assertThat(Kinds.installed(client, ThirdPartyKinds.SCALED_OBJECT)).isFalse();
  }

  @Test
  void aCrdThatCannotBeReadIsAnErrorNotAnAnswer() {
    assertThatThrownBy(() -> Kinds.installed(client, ThirdPartyKinds.HTTP_ROUTE))
        .isInstanceOf(KubernetesClientException.class).hasMessageContaining("403");
  }
}
