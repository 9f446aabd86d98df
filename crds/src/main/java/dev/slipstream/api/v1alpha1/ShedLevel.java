package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.scaleOut) || has(self.downgrade) || has(self.shed)",
    message = "a level needs at least one action: scaleOut, downgrade or shed",
    reason = "FieldValueRequired")
public class ShedLevel {
  @Required
  @Size(min = 1, max = 63)
  @Pattern(ApiGroup.DNS_LABEL_PATTERN)
  @JsonPropertyDescription("Name of the level, shown in status and events.")
  public String name;

  @Required
  @JsonPropertyDescription("Entering this level needs any one of these to hold; leaving it needs all to stay clear for the cooldown.")
  public ShedTriggers triggers;

  @JsonPropertyDescription("Add serving capacity.")
  public ScaleOutAction scaleOut;

  @JsonPropertyDescription("Send all traffic to a smaller or cheaper ModelVersion.")
  public DowngradeAction downgrade;

  @JsonPropertyDescription("Refuse new work at the serving layer and answer with a static fallback.")
  public ShedAction shed;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.consumerLagAbove) || has(self.lagGrowingFor) || has(self.timeToDrainAbove) || has(self.p99LatencyMsAbove) || has(self.errorRatePercentAbove)",
      message = "a level needs at least one trigger",
      reason = "FieldValueRequired")
  public static class ShedTriggers {
    @Min(0)
    @JsonPropertyDescription("Consumer lag, in messages, above which the level is entered.")
    public Long consumerLagAbove;

    @Pattern(ApiGroup.DURATION_PATTERN)
    @JsonPropertyDescription("Lag that has kept growing for this long enters the level.")
    public String lagGrowingFor;

    @Pattern(ApiGroup.DURATION_PATTERN)
    @JsonPropertyDescription("Estimated time to drain the lag (lag / consume rate) above which the level is entered.")
    public String timeToDrainAbove;

    @Min(1)
    @JsonPropertyDescription("p99 inference latency, in milliseconds, above which the level is entered.")
    public Integer p99LatencyMsAbove;

    @Min(0)
    @Max(100)
    @JsonPropertyDescription("Share of failed inference requests, in percent, above which the level is entered.")
    public Double errorRatePercentAbove;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ScaleOutAction {
    @Required
    @Min(1)
    @Max(1000)
    @JsonPropertyDescription("Serving replicas to scale up to.")
    public Integer maxReplicas;

    @JsonPropertyDescription("Create a KEDA ScaledObject with a Kafka lag trigger instead of scaling by hand.")
    public Boolean keda = false;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DowngradeAction {
    @Required
    @JsonPropertyDescription("The fallback ModelVersion that takes all traffic at this level.")
    public ObjectReference modelVersionRef;

    @JsonPropertyDescription("Keep the fallback deployed at its minimum replicas at all times, so the switch is instant.")
    public Boolean keepWarm = false;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ShedAction {
    @Min(1)
    @Max(1000000)
    @JsonPropertyDescription("triton: the dynamic-batching queue bound. Not applied by the operator (Triton takes it only from the model's config.pbtxt; the ShedPolicy's Ready message says so when set): put it in config.pbtxt.")
    public Integer maxQueueSize;

    @Pattern(ApiGroup.DURATION_PATTERN)
    @JsonPropertyDescription("triton: the dynamic-batching queue timeout. Not applied by the operator, as maxQueueSize: put it in the model's config.pbtxt.")
    public String queueTimeout;

    @Min(1)
    @Max(10000)
    @JsonPropertyDescription("kserve: the container concurrency limit.")
    public Integer containerConcurrency;

    @Required
    @Size(min = 1, max = 4096)
    @JsonPropertyDescription("Static result (JSON) the Flink job writes, marked as a fallback, for each shed event.")
    public String fallbackResult;

    @Size(max = 16)
    @JsonPropertyDescription("Input topics the Flink job pauses at this level.")
    public List<String> pauseTopics = new ArrayList<>();
  }
}
