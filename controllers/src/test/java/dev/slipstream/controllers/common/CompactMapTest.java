package dev.slipstream.controllers.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompactMapTest {
  @Test
  @SuppressWarnings("unchecked")
  void aCompactCopyHasTheSameEntriesInTheSameOrderAtEveryDepthNullsIncluded() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("z", null);
    inner.put("a", List.of(1, Map.of("k", "v")));
    Map<String, Object> original = new LinkedHashMap<>();
    original.put("spec", inner);
    original.put("replicas", 2);
    Map<String, Object> copy = (Map<String, Object>) CompactMap.compact(original);

    assertThat(copy).isInstanceOf(CompactMap.class).isEqualTo(original).hasSameHashCodeAs(original);
    assertThat(copy.keySet()).containsExactly("spec", "replicas");
    assertThat(((Map<String, Object>) copy.get("spec")).keySet()).as("insertion order kept").containsExactly("z", "a");
    assertThat((Map<String, Object>) copy.get("spec")).containsEntry("z", null).containsKey("z").isInstanceOf(CompactMap.class);
    assertThat(((List<Object>) ((Map<String, Object>) copy.get("spec")).get("a")).get(1)).isInstanceOf(CompactMap.class);
    assertThat(copy.toString()).isEqualTo(original.toString());
  }

  @Test
  void aMapLargerThanAScanStaysAHashMapWithItsValuesMadeCompact() {
    Map<String, Object> large = new LinkedHashMap<>();
    for (int i = 0; i <= CompactMap.MAX_SCANNED; i++) {
      large.put("k" + i, new HashMap<>(Map.of("v", i)));
    }
    Object copy = CompactMap.compact(large);
    assertThat(copy).isSameAs(large);
    assertThat(large.get("k3")).isInstanceOf(CompactMap.class).isEqualTo(Map.of("v", 3));

    Map<String, Object> small = new LinkedHashMap<>(Map.of("k", 1));
    assertThat(CompactMap.compact(small)).as("the twin at the limit's other side").isInstanceOf(CompactMap.class);
  }

  @Test
  void changesBehaveAsALinkedHashMapsDoThroughTheMapItsEntriesAndItsIterator() {
    Random random = new Random(11);
    Map<Integer, Integer> expected = new LinkedHashMap<>();
    Map<Integer, Integer> actual = CompactMap.of(new LinkedHashMap<>());
    for (int step = 0; step < 5_000; step++) {
      int key = random.nextInt(12);
      switch (random.nextInt(5)) {
        case 0, 1 -> assertThat(actual.put(key, step)).isEqualTo(expected.put(key, step));
        case 2 -> assertThat(actual.remove(key)).isEqualTo(expected.remove(key));
        case 3 -> {
          removeThroughIterator(expected, key);
          removeThroughIterator(actual, key);
        }
        default -> {
          expected.entrySet().forEach(e -> e.setValue(e.getValue() + 1));
          actual.entrySet().forEach(e -> e.setValue(e.getValue() + 1));
        }
      }
      assertThat(new ArrayList<>(actual.entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
      assertThat(actual.get(key)).isEqualTo(expected.get(key));
    }
    actual.clear();
    assertThat(actual).isEmpty();
    assertThat(actual.put(1, 1)).isNull();
    assertThat(actual).containsExactly(Map.entry(1, 1));
  }

  private static void removeThroughIterator(Map<Integer, Integer> map, int key) {
    for (Iterator<Map.Entry<Integer, Integer>> it = map.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getKey() == key) {
        it.remove();
      }
    }
  }

  @Test
  void nullStaysNullAndOtherValuesAreTheirOwn() {
    assertThat(CompactMap.<String, String>of(null)).isNull();
    assertThat(CompactMap.compact("text")).isEqualTo("text");
    assertThat(CompactMap.compact(Arrays.asList(1, null))).isEqualTo(Arrays.asList(1, null));
  }
}
