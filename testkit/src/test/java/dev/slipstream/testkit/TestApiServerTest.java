package dev.slipstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipstream.api.v1alpha1.ModelVersion;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The test API server behaves as a real one where the operator depends on it. */
class TestApiServerTest {
  private static TestApiServer api;

  @BeforeAll
  static void start() {
    api = TestApiServer.start(List.of());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static ModelVersion model(String name) {
    return Manifests.find(Manifests.parse("""
        apiVersion: slipstream.dev/v1alpha1
        kind: ModelVersion
        metadata: {name: %s, namespace: t}
        spec: {modelName: m, version: "1", format: onnx, storageUri: "s3://m/1"}
        """.formatted(name)), ModelVersion.class, name);
  }

  @Test
  void listsAndGetsAnswerFromTheirKindAndNamespaceOnlyAsTheyWouldFromEveryObject() {
    var client = api.client();
    for (String namespace : List.of("lists-a", "lists-b")) {
      for (int i = 0; i < 3; i++) {
        var cm = new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("c" + i)
            .withNamespace(namespace).addToLabels("n", String.valueOf(i % 2)).endMetadata().build();
        client.resource(cm).create();
      }
      client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("c0")
          .withNamespace(namespace).endMetadata().build()).create();
    }
    assertThat(client.configMaps().inNamespace("lists-a").list().getItems()).extracting(c -> c.getMetadata().getName())
        .containsExactlyInAnyOrder("c0", "c1", "c2");
    assertThat(client.configMaps().inNamespace("lists-a").withLabel("n", "1").list().getItems()).hasSize(1);
    assertThat(client.configMaps().inAnyNamespace().list().getItems()).filteredOn(c -> c.getMetadata().getNamespace()
        .startsWith("lists-")).hasSize(6);
    assertThat(client.secrets().inNamespace("lists-b").withName("c0").get()).isNotNull();
    assertThat(client.configMaps().inNamespace("lists-b").withName("c0").get().getMetadata().getNamespace()).isEqualTo("lists-b");

    client.configMaps().inNamespace("lists-a").withName("c1").edit(c -> {
      c.getMetadata().getLabels().put("n", "0");
      return c;
    });
    client.configMaps().inNamespace("lists-a").withName("c2").delete();
    assertThat(client.configMaps().inNamespace("lists-a").withLabel("n", "0").list().getItems())
        .extracting(c -> c.getMetadata().getName()).containsExactlyInAnyOrder("c0", "c1");
    assertThat(client.configMaps().inNamespace("lists-a").withName("c2").get()).isNull();
    assertThat(client.secrets().inNamespace("lists-a").list().getItems()).as("another kind of the same name stays")
        .extracting(c -> c.getMetadata().getName()).containsExactly("c0");
  }

  @Test
  void mergePatchOfStatusReplacesListsAndRemovesNullFieldsAsRfc7386Says() {
    api.client().resource(model("merge")).create();
    var models = api.client().resources(ModelVersion.class).inNamespace("t").withName("merge").subresource("status");
    models.patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"status\":{\"servedBy\":[\"a\",\"b\"],\"endpoints\":[\"http://x\"]}}");
    models.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"servedBy\":[\"c\"],\"endpoints\":null}}");

    ModelVersion stored = api.client().resources(ModelVersion.class).inNamespace("t").withName("merge").get();
    assertThat(stored.getStatus().servedBy).containsExactly("c");
    assertThat(stored.getStatus().endpoints).isEmpty();
    assertThat(stored.getSpec().storageUri).as("a status patch leaves the spec alone").isEqualTo("s3://m/1");
  }

  @Test
  void admissionRefusesWhatTheSchemaForbidsAndRecordsTheRefusal() {
    ModelVersion bad = model("bad");
    bad.getSpec().storageUri = "";
    assertThatThrownBy(() -> api.client().resource(bad).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.storageUri");
    assertThat(api.refusedWrites()).extracting(TestApiServer.Write::name).contains("bad");
  }

  @Test
  void mergePatchOfAMissingObjectIsNotFound() {
    assertThatThrownBy(() -> api.client().genericKubernetesResources("slipstream.dev/v1alpha1", "ModelVersion")
        .inNamespace("t").withName("absent").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{}}"))
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(404));
  }

  @Test
  void aMergePatchIsAdmittedAsTheObjectItWouldLeaveAndARefusedOneChangesNothing() {
    api.client().resource(model("patched")).create();
    var mv = api.client().resources(ModelVersion.class).inNamespace("t").withName("patched");
    assertThatThrownBy(() -> mv.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"storageUri\":\"\"}}"))
        .isInstanceOf(KubernetesClientException.class).hasMessageContaining("spec.storageUri")
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422));
    assertThat(mv.get().getSpec().storageUri).as("nothing changed").isEqualTo("s3://m/1");
    // its healthy twin: a patch that leaves a valid object goes through
    mv.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"storageUri\":\"s3://m/2\"}}");
    assertThat(mv.get().getSpec().storageUri).isEqualTo("s3://m/2");
  }

  @Test
  void aJsonPatchIsAdmittedAsTheObjectItWouldLeaveAndARefusedOneChangesNothing() {
    api.client().resource(model("json-patched")).create();
    var mv = api.client().resources(ModelVersion.class).inNamespace("t").withName("json-patched");
    assertThatThrownBy(() -> mv.patch(PatchContext.of(PatchType.JSON),
        "[{\"op\":\"replace\",\"path\":\"/spec/storageUri\",\"value\":\"\"}]"))
        .isInstanceOf(KubernetesClientException.class).hasMessageContaining("spec.storageUri")
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422));
    assertThat(mv.get().getSpec().storageUri).as("nothing changed").isEqualTo("s3://m/1");
    mv.patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/spec/storageUri\",\"value\":\"s3://m/2\"}]");
    assertThat(mv.get().getSpec().storageUri).isEqualTo("s3://m/2");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aNullInAFieldThatIsNotNullableIsDroppedAsTheApiServerDoesNotRefused() {
    var created = api.client().genericKubernetesResources("slipstream.dev/v1alpha1", "ModelVersion").inNamespace("t")
        .resource(Manifests.parse("""
            apiVersion: slipstream.dev/v1alpha1
            kind: ModelVersion
            metadata: {name: with-null, namespace: t}
            spec: {modelName: m, version: "1", format: onnx, storageUri: "s3://m/1", servingRuntime: null}
            status: null
            """).get(0)).create();
    assertThat(created.getAdditionalProperties()).doesNotContainKey("status");
    assertThat((java.util.Map<String, Object>) created.getAdditionalProperties().get("spec")).doesNotContainKey("servingRuntime")
        .containsEntry("storageUri", "s3://m/1");
  }

  @Test
  void anHttpWatchStreamsWhatChangesAfterTheListedVersionAndAWatchFromNothingGetsEverything() throws Exception {
    api.client().resource(model("watched")).create();
    String listed = api.client().resources(ModelVersion.class).inNamespace("t").withName("watched").get().getMetadata()
        .getResourceVersion();
    String collection = api.url() + "apis/slipstream.dev/v1alpha1/namespaces/t/modelversions?watch=true";
    var http = java.net.http.HttpClient.newHttpClient();
    var fromListed = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(collection + "&resourceVersion=" + listed))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofLines());
    var fromNothing = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(collection)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofLines());
    assertThat(fromListed.statusCode()).isEqualTo(200);
    assertThat(fromListed.headers().firstValue("Content-Type")).hasValue("application/json");

    api.client().resources(ModelVersion.class).inNamespace("t").withName("watched")
        .edit(m -> {
          m.getSpec().storageUri = "s3://m/3";
          return m;
        });
    var mapper = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper();
    var first = mapper.readTree(fromListed.body().iterator().next());
    assertThat(first.path("type").asText()).as("no replay of what was listed: %s", first).isEqualTo("MODIFIED");
    assertThat(first.path("object").path("spec").path("storageUri").asText()).isEqualTo("s3://m/3");
    // its twin: a watch without a resource version starts with every object there, as ADDED
    var lines = fromNothing.body().iterator();
    java.util.List<String> types = new java.util.ArrayList<>();
    for (var event = mapper.readTree(lines.next()); ; event = mapper.readTree(lines.next())) {
      types.add(event.path("type").asText() + " " + event.path("object").path("metadata").path("name").asText());
      if (event.path("type").asText().equals("MODIFIED")) {
        break;
      }
    }
    assertThat(types).contains("ADDED watched").endsWith("MODIFIED watched");
  }

  @Test
  @org.junit.jupiter.api.Timeout(60) // a missed event would leave the watch waiting
  void aClientWatchFromTheListedVersionGetsWhatChangedAfterAndOneFromNothingGetsEverything() throws Exception {
    api.client().resource(model("informed")).create();
    String listed = api.client().resources(ModelVersion.class).inNamespace("t").list().getMetadata().getResourceVersion();
    assertThat(listed).as("a list carries the version to watch from, as an informer's does").isNotBlank();
    var fromListed = new java.util.concurrent.LinkedBlockingQueue<String>();
    var fromNothing = new java.util.concurrent.LinkedBlockingQueue<String>();
    var models = api.client().resources(ModelVersion.class).inNamespace("t");
    try (var a = models.watch(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withResourceVersion(listed).build(),
            recorder(fromListed));
        var b = models.watch(recorder(fromNothing))) {
      models.withName("informed").edit(m -> {
        m.getSpec().storageUri = "s3://m/4";
        return m;
      });
      assertThat(fromListed.take()).as("no replay of what was listed").isEqualTo("MODIFIED informed");
      // its twin: the same watch without a version starts with every object there, as ADDED
      List<String> types = new java.util.ArrayList<>();
      do {
        types.add(fromNothing.take());
      } while (!types.get(types.size() - 1).equals("MODIFIED informed"));
      assertThat(types).contains("ADDED informed");
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(60) // a missed event would leave the watch waiting
  void aWatchFromTheListedVersionGetsWhatChangedBeforeItOpenedAndNothingOlder() throws Exception {
    var models = api.client().resources(ModelVersion.class).inNamespace("t");
    for (String name : List.of("kept-as-listed", "changed-after-list")) {
      api.client().resource(model(name)).create();
    }
    String listed = models.list().getMetadata().getResourceVersion();
    models.withName("changed-after-list").edit(m -> {
      m.getSpec().storageUri = "s3://m/5";
      return m;
    });
    var fromListed = new java.util.concurrent.LinkedBlockingQueue<String>();
    var fromNothing = new java.util.concurrent.LinkedBlockingQueue<String>();
    try (var a = models.watch(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withResourceVersion(listed).build(),
            recorder(fromListed));
        var b = models.watch(recorder(fromNothing))) {
      api.client().resource(model("created-after-watch")).create();
      List<String> seen = new java.util.ArrayList<>();
      do {
        seen.add(fromListed.take());
      } while (!seen.get(seen.size() - 1).endsWith("created-after-watch"));
      assertThat(seen).as("a change between the list and the watch is not lost")
          .containsExactly("ADDED changed-after-list", "ADDED created-after-watch");
      // its twin: without a version, every object there
      List<String> all = new java.util.ArrayList<>();
      do {
        all.add(fromNothing.take());
      } while (!all.get(all.size() - 1).endsWith("created-after-watch"));
      assertThat(all).contains("ADDED kept-as-listed", "ADDED changed-after-list");
    }
  }

  @Test
  void aStoredObjectsVersionIsReadFromItsTextTheHighestWrittenInIt() {
    assertThat(TestApiServer.storedVersion("{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"1234\"},"
        + "\"spec\":{\"template\":{\"metadata\":{\"resourceVersion\":\"7\"}}}}")).isEqualTo(1234);
    assertThat(TestApiServer.storedVersion("{\"metadata\":{\"name\":\"a\"}}")).as("none: never left out").isZero();
  }

  private static io.fabric8.kubernetes.client.Watcher<ModelVersion> recorder(java.util.concurrent.BlockingQueue<String> into) {
    return new io.fabric8.kubernetes.client.Watcher<>() {
      @Override
      public void eventReceived(Action action, ModelVersion resource) {
        into.add(action + " " + resource.getMetadata().getName());
      }

      @Override
      public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
    };
  }

  @Test
  @org.junit.jupiter.api.Timeout(60) // a missed event would leave the watch waiting
  void aWatchOfOneObjectThatWentBeforeItOpenedGetsItsDeletionAndOneStillThereGetsItsChanges() throws Exception {
    api.client().resource(model("gone")).create();
    api.client().resource(model("kept")).create();
    var models = api.client().resources(ModelVersion.class).inNamespace("t");
    String listed = models.withName("gone").get().getMetadata().getResourceVersion();
    models.withName("gone").delete();
    var mapper = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper();
    var http = java.net.http.HttpClient.newHttpClient();
    String watch = api.url() + "apis/slipstream.dev/v1alpha1/namespaces/t/modelversions?watch=true&resourceVersion=" + listed
        + "&fieldSelector=metadata.name%3D";
    var gone = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(watch + "gone")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofLines());
    var first = mapper.readTree(gone.body().iterator().next());
    assertThat(first.path("type").asText()).isEqualTo("DELETED");
    assertThat(first.path("object").path("metadata").path("name").asText()).isEqualTo("gone");
    // its twin: an object still there is not said to be deleted; its next change comes first
    String keptAt = models.withName("kept").get().getMetadata().getResourceVersion();
    var kept = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(watch.replace("resourceVersion=" + listed,
        "resourceVersion=" + keptAt) + "kept")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofLines());
    models.withName("kept").edit(m -> {
      m.getSpec().storageUri = "s3://m/9";
      return m;
    });
    assertThat(mapper.readTree(kept.body().iterator().next()).path("type").asText()).isEqualTo("MODIFIED");
  }
}
