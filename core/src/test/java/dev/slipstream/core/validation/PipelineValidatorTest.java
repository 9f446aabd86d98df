package dev.slipstream.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.RolloutSpec;
import dev.slipstream.core.Examples;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the schema cannot say, said by the operator as InvalidSpec with the field and the fix. */
class PipelineValidatorTest {
  @Test
  void theExamplesAreValid() {
    assertThat(PipelineValidator.validate(Examples.pipeline("fraud-scoring.yaml", "fraud-scoring"))).isEmpty();
    assertThat(PipelineValidator.validate(Examples.pipeline("triton-gpu.yaml", "image-embeddings"))).isEmpty();
  }

  @Test
  void aNameTooLongForTheOwnedObjectsIsReported() {
    var pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    pipeline.getMetadata().setName("fraud-scoring-for-the-european-card-network-eu-west");
    assertThat(PipelineValidator.validate(pipeline)).singleElement().asString()
        .contains("metadata.name").contains("at most 45 characters");
  }

  @Test
  void anApprovalAtNoStepAndTwoSinksOfOneNameAreReportedWhereNoCelRuleRan() {
    var pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    pipeline.getSpec().rollout = new RolloutSpec();
    pipeline.getSpec().rollout.canary.steps = List.of(10, 50, 100);
    pipeline.getSpec().rollout.canary.approvals = List.of(50);
    assertThat(PipelineValidator.validate(pipeline)).as("its twin: an approval at a step").isEmpty();
    pipeline.getSpec().rollout.canary.approvals = List.of(25);
    var sink = new dev.slipstream.api.v1alpha1.NotificationSink();
    sink.name = "team";
    sink.urlSecretRef = new dev.slipstream.api.v1alpha1.ObjectReference("team-webhook");
    pipeline.getSpec().notifications = List.of(sink, sink);
    assertThat(PipelineValidator.validate(pipeline)).containsExactly(
        "spec.notifications[].name 'team' is given twice: each sink needs its own name, which names it in the delivery metric",
        "every weight in spec.rollout.canary.approvals [25] must be one of canary.steps [10, 50, 100]: an approval holds the"
            + " canary before it moves to that step");
  }

  @Test
  void aReplayWithoutARangeOrOnATopicThePipelineReadsIsReported() {
    var pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    pipeline.getSpec().rollout = new RolloutSpec();
    pipeline.getSpec().rollout.replay = new dev.slipstream.api.v1alpha1.ReplaySpec();
    pipeline.getSpec().rollout.replay.window = "10m";
    assertThat(PipelineValidator.validate(pipeline)).as("its twin: a replay of the last 10m").isEmpty();
    pipeline.getSpec().rollout.replay.window = null;
    assertThat(PipelineValidator.validate(pipeline)).singleElement().asString()
        .contains("spec.rollout.replay needs a window, a maxEvents, or both");
    pipeline.getSpec().rollout.replay.maxEvents = 100_000L;
    // a careless input named as the replay topic: the replay would write into what the pipeline reads
    var input = new dev.slipstream.api.v1alpha1.TopicSpec("fraud-scores.replay", 6, 3);
    pipeline.getSpec().topics.inputs = List.of(pipeline.getSpec().topics.inputs.get(0), input);
    assertThat(PipelineValidator.validate(pipeline)).singleElement().asString()
        .contains("topic 'fraud-scores.replay' is declared twice");
  }

  @Test
  void aTopicConfigKeyThatIsNotAKafkaNameIsReported() {
    var pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    pipeline.getSpec().topics.output.config = new java.util.TreeMap<>(java.util.Map.of("retention.ms; rm -rf /", "1",
        "cleanup.policy", "delete"));
    assertThat(PipelineValidator.validate(pipeline)).singleElement().asString()
        .contains("config key 'retention.ms; rm -rf /' is not a Kafka topic-level name");
  }

  @Test
  void aQueryPlaceholderOutsideQuotesIsReportedForItWouldBeReadAsQueryText() {
    var pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    var prometheus = new dev.slipstream.api.v1alpha1.PrometheusSpec();
    prometheus.p99LatencyQuery = "max(my_p99{model=\"{{model}}\", q='{{version}}'}[{{interval}}])";
    pipeline.getSpec().rollout = new dev.slipstream.api.v1alpha1.RolloutSpec();
    pipeline.getSpec().rollout.analysis.prometheus = prometheus;
    assertThat(PipelineValidator.validate(pipeline)).as("placeholders in double and single quotes").isEmpty();

    prometheus.errorRateQuery = "sum by (pod) (errors{a=\"x\\\"\"}) / {{model}}";
    assertThat(PipelineValidator.validate(pipeline)).singleElement().asString()
        .startsWith("spec.rollout.analysis.prometheus.errorRateQuery: {{model}} at character 34 is outside quotes")
        .contains("model=\"{{model}}\"");
  }

  @Test
  void canaryStepsMustRiseStrictly() {
    var pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    pipeline.getSpec().rollout = new RolloutSpec();
    pipeline.getSpec().rollout.canary.steps = List.of(5, 50, 25, 100);
    assertThat(PipelineValidator.validate(pipeline)).singleElement().asString()
        .contains("spec.rollout.canary.steps [5, 50, 25, 100] must rise strictly");
  }

  @Test
  void aDurationTheSchemaLetThroughButJavaCannotReadIsReported() {
    var pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    pipeline.getSpec().rollout = new RolloutSpec();
    pipeline.getSpec().rollout.progressDeadline = "99999999999h";
    assertThat(PipelineValidator.validate(pipeline)).singleElement().asString()
        .contains("spec.rollout.progressDeadline").contains("too long");
  }

  @Test
  void aFallbackResultMustBeAJsonObjectTheJobCanWrite() {
    var pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    pipeline.getSpec().inference.fallbackResult = "review";
    assertThat(PipelineValidator.validate(pipeline)).singleElement().asString()
        .contains("spec.inference.fallbackResult must be a JSON object");
  }

  @Test
  void featuresWithoutAFieldOrAWindowAreReported() {
    var pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    pipeline.getSpec().features.definitions.get(1).field = null;
    pipeline.getSpec().features.definitions.get(2).size = "0s";
    assertThat(PipelineValidator.validate(pipeline)).containsExactly(
        "spec.features.definitions 'amount_sum_1h': sum needs a field to aggregate",
        "spec.features.definitions 'amount_max_1h': the window size must be longer than 0");
  }
}
