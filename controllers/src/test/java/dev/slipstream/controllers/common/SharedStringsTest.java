package dev.slipstream.controllers.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SharedStringsTest {
  @Test
  void anEqualStringIsGivenTheInstanceSeenFirst() {
    SharedStrings shared = new SharedStrings(16);
    String first = new String("Ready");
    assertThat(shared.share(first)).isSameAs(first);
    assertThat(shared.share(new String("Ready"))).isSameAs(first);
  }

  @Test
  void aStringAlwaysComesBackEqualEvenWhenItsSlotHoldsAnother() {
    SharedStrings shared = new SharedStrings(1);
    String a = new String("Ready");
    String b = new String("Provisioning");
    assertThat(shared.share(a)).isSameAs(a);
    assertThat(shared.share(b)).as("one slot: b takes it").isSameAs(b);
    String again = new String("Ready");
    assertThat(shared.share(again)).as("a lost its slot: the new instance").isSameAs(again).isEqualTo("Ready");
  }

  @Test
  void aLongStringIsNotShared() {
    SharedStrings shared = new SharedStrings(16);
    String text = "x".repeat(SharedStrings.LONGEST + 1);
    shared.share(text);
    String copy = new String(text);
    assertThat(shared.share(copy)).isSameAs(copy);
    String fits = "y".repeat(SharedStrings.LONGEST);
    shared.share(fits);
    assertThat(shared.share(new String(fits))).as("the twin: one at the limit is").isSameAs(fits);
  }
}
