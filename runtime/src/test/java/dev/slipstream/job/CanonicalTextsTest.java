package dev.slipstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.job.features.CanonicalTexts;
import org.junit.jupiter.api.Test;

class CanonicalTextsTest {
  @Test
  void equalTextsOfDifferentEventsBecomeOneInstanceAndNullsStay() {
    CanonicalTexts texts = new CanonicalTexts(100);
    String[] first = texts.canonical(new String[] {new String("m7"), null});
    String[] second = texts.canonical(new String[] {new String("m7"), new String("m8")});
    assertThat(second[0]).isSameAs(first[0]).isEqualTo("m7");
    assertThat(first[1]).isNull();
    assertThat(second[1]).isEqualTo("m8");
    assertThat(texts.canonical(null)).isNull();
  }

  @Test
  void pastItsLimitItStartsAgainAndStillGivesEqualValues() {
    CanonicalTexts texts = new CanonicalTexts(10);
    String first = texts.canonical(new String[] {new String("m0")})[0];
    for (int i = 1; i <= 10; i++) {
      texts.canonical(new String[] {"m" + i});
    }
    String again = texts.canonical(new String[] {new String("m0")})[0];
    assertThat(again).as("forgotten once the table started again").isNotSameAs(first).isEqualTo(first);
    String twin = texts.canonical(new String[] {new String("m0")})[0];
    assertThat(twin).as("and kept again from then on").isSameAs(again);
  }
}
