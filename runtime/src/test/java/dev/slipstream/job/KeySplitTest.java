package dev.slipstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.job.control.JobControl;
import dev.slipstream.job.control.KeySplit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The canary split by key: sticky as the weight grows, near the weight in share, the same everywhere. */
class KeySplitTest {
  private static final List<String> CARDS = IntStream.range(0, 20_000).mapToObj(i -> "card-" + i).toList();

  private static Set<String> atWeight(double weight) {
    return CARDS.stream().filter(k -> KeySplit.toCandidate(k, weight)).collect(Collectors.toSet());
  }

  @Test
  void theKeysAtALowerWeightStayOnTheCandidateAtEveryHigherOne() {
    Set<String> five = atWeight(5);
    Set<String> twentyFive = atWeight(25);
    Set<String> fifty = atWeight(50);
    assertThat(twentyFive).containsAll(five);
    assertThat(fifty).containsAll(twentyFive);
    assertThat(atWeight(100)).hasSize(CARDS.size());
    assertThat(atWeight(0)).isEmpty();
  }

  @Test
  void theShareOfKeysIsCloseToTheWeight() {
    assertThat(atWeight(5).size() / (double) CARDS.size()).isBetween(0.04, 0.06);
    assertThat(atWeight(25).size() / (double) CARDS.size()).isBetween(0.235, 0.265);
    assertThat(atWeight(50).size() / (double) CARDS.size()).isBetween(0.485, 0.515);
  }

  @Test
  void aKeysBucketIsFixedSoEveryTaskProcessAndRestartAgrees() {
    // FNV-1a of the UTF-8 bytes: pinned, as changing it would move keys between versions mid-rollout
    assertThat(KeySplit.bucket("card-1")).isEqualTo(KeySplit.bucket(new String("card-1")));
    assertThat(KeySplit.bucket("")).isEqualTo(Math.floorMod(0x811c9dc5, KeySplit.BUCKETS));
    assertThat(KeySplit.bucket("a")).isEqualTo(Math.floorMod(0xe40c292c, KeySplit.BUCKETS));
    assertThat(KeySplit.toCandidate(null, 100)).as("a keyless event stays on the stable version").isFalse();
  }

  @Test
  void theControlSendsACandidatesKeysToItsOwnEndpointInNormalOperationOnly() {
    Map<String, String> canary = Map.of("mode", "normal", "model-version", "1", "candidate-endpoint", "http://fraud-v2",
        "candidate-model-name", "fraud", "candidate-model-version", "2", "candidate-weight", "25");
    JobControl control = JobControl.from(canary, "http://fraud", "fraud");
    String toCandidate = CARDS.stream().filter(k -> KeySplit.toCandidate(k, 25)).findFirst().orElseThrow();
    String toStable = CARDS.stream().filter(k -> !KeySplit.toCandidate(k, 25)).findFirst().orElseThrow();
    assertThat(control.route(toCandidate)).isEqualTo(new JobControl.Route("http://fraud-v2", "fraud", "2", JobControl.CANDIDATE));
    assertThat(control.route(toStable)).as("the version expected to answer, which a failure is counted against")
        .isEqualTo(new JobControl.Route("http://fraud", "fraud", "1", JobControl.STABLE));

    Map<String, String> downgraded = new java.util.HashMap<>(canary);
    downgraded.putAll(Map.of("mode", "downgrade", "endpoint", "http://fraud-lite", "model-name", "fraud-lite",
        "model-version", "3"));
    assertThat(JobControl.from(downgraded, "http://fraud", "fraud").route(toCandidate))
        .as("a downgrade sends every key to the fallback").isEqualTo(new JobControl.Route("http://fraud-lite", "fraud-lite", "3", JobControl.STABLE));

    for (String weight : List.of("0", "-5", "lots", "")) {
      Map<String, String> bad = new java.util.HashMap<>(canary);
      bad.put("candidate-weight", weight);
      assertThat(JobControl.from(bad, "http://fraud", "fraud").candidate()).as("weight '%s'", weight).isNull();
    }
    assertThat(JobControl.from(Map.of(), "http://fraud", "fraud").route(toCandidate))
        .isEqualTo(new JobControl.Route("http://fraud", "fraud", null, JobControl.STABLE));
  }
}
