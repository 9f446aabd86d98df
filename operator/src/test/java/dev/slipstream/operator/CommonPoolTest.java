package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommonPoolTest {
  @Test
  void oneOrTwoCpusGetTwoWorkersSoThatAsyncCompletionsDoNotStartAThreadEach() {
    assertThat(CommonPool.parallelism(1, null)).isEqualTo("2");
    assertThat(CommonPool.parallelism(2, null)).isEqualTo("2");
  }

  @Test
  void moreCpusKeepTheJdkDefaultAndAConfiguredValueIsKept() {
    assertThat(CommonPool.parallelism(3, null)).isNull();
    assertThat(CommonPool.parallelism(16, null)).isNull();
    assertThat(CommonPool.parallelism(1, "1")).isNull();
  }
}
