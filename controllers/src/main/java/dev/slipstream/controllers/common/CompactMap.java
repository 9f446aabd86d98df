package dev.slipstream.controllers.common;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * A small map kept as one array of keys and values in insertion order, for the maps of objects the operator caches.
 * A {@link java.util.LinkedHashMap} of two entries takes about 220 bytes (the map, its table of 16 slots, an entry
 * object per key); this one about 60. Over 5,000 pipelines the caches held 450,000 such maps, nearly all of fewer than
 * ten entries: the untyped bodies of InferenceServices and FlinkDeployments, and every object's labels.
 *
 * <p>It behaves as a {@code LinkedHashMap} does: any key or value, null included; iteration in insertion order;
 * changes through the map, its entries and its iterators; equal to any map with the same entries. Lookups scan the
 * keys, so {@link #compact} keeps larger maps as they are.
 */
public final class CompactMap<K, V> extends AbstractMap<K, V> {
  /** Maps with more entries than this stay hash maps. */
  static final int MAX_SCANNED = 16;

  /** Keys at even indices, each followed by its value. */
  private Object[] slots;
  private int size;

  private CompactMap(Map<? extends K, ? extends V> from) {
    slots = new Object[from.size() * 2];
    for (Map.Entry<? extends K, ? extends V> e : from.entrySet()) {
      slots[size * 2] = e.getKey();
      slots[size * 2 + 1] = e.getValue();
      size++;
    }
  }

  /**
   * A copy of {@code value} in which every map of up to {@link #MAX_SCANNED} entries, at any depth, is a compact
   * one and every list holds exactly its elements; larger maps are kept (their values made compact in place). Other
   * values are returned as they are.
   */
  @SuppressWarnings("unchecked")
  public static Object compact(Object value) {
    if (value instanceof Map<?, ?> map) {
      if (map.size() > MAX_SCANNED) {
        for (Map.Entry<Object, Object> e : ((Map<Object, Object>) map).entrySet()) {
          e.setValue(compact(e.getValue()));
        }
        return map;
      }
      CompactMap<Object, Object> copy = new CompactMap<>((Map<Object, Object>) map);
      for (int i = 1; i < copy.slots.length; i += 2) {
        copy.slots[i] = compact(copy.slots[i]);
      }
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object element : list) {
        copy.add(compact(element));
      }
      return copy;
    }
    return value;
  }

  /** {@code map} made compact (see {@link #compact(Object)}); null stays null. */
  @SuppressWarnings("unchecked")
  public static <K, V> Map<K, V> of(Map<K, V> map) {
    return map == null ? null : (Map<K, V>) compact(map);
  }

  private int indexOf(Object key) {
    for (int i = 0; i < size; i++) {
      if (Objects.equals(slots[i * 2], key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : (V) slots[i * 2 + 1];
  }

  @Override
  @SuppressWarnings("unchecked")
  public V put(K key, V value) {
    int i = indexOf(key);
    if (i >= 0) {
      V old = (V) slots[i * 2 + 1];
      slots[i * 2 + 1] = value;
      return old;
    }
    if (size * 2 == slots.length) {
      slots = java.util.Arrays.copyOf(slots, Math.max(4, slots.length * 2));
    }
    slots[size * 2] = key;
    slots[size * 2 + 1] = value;
    size++;
    return null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V remove(Object key) {
    int i = indexOf(key);
    if (i < 0) {
      return null;
    }
    V old = (V) slots[i * 2 + 1];
    removeAt(i);
    return old;
  }

  private void removeAt(int i) {
    System.arraycopy(slots, (i + 1) * 2, slots, i * 2, (size - i - 1) * 2);
    size--;
    slots[size * 2] = null;
    slots[size * 2 + 1] = null;
  }

  @Override
  public void clear() {
    java.util.Arrays.fill(slots, null);
    size = 0;
  }

  @Override
  public Set<Map.Entry<K, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Map.Entry<K, V>> iterator() {
        return new Iterator<>() {
          private int next;
          private int last = -1;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Map.Entry<K, V> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            last = next++;
            return new Slot(last);
          }

          @Override
          public void remove() {
            if (last < 0) {
              throw new IllegalStateException();
            }
            removeAt(last);
            next = last;
            last = -1;
          }
        };
      }
    };
  }

  /** An entry that reads and writes its slot, as a hash map's entries write through. */
  private final class Slot implements Map.Entry<K, V> {
    private final int index;

    Slot(int index) {
      this.index = index;
    }

    @Override
    @SuppressWarnings("unchecked")
    public K getKey() {
      return (K) slots[index * 2];
    }

    @Override
    @SuppressWarnings("unchecked")
    public V getValue() {
      return (V) slots[index * 2 + 1];
    }

    @Override
    public V setValue(V value) {
      V old = getValue();
      slots[index * 2 + 1] = value;
      return old;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Map.Entry<?, ?> e && Objects.equals(getKey(), e.getKey()) && Objects.equals(getValue(), e.getValue());
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(getKey()) ^ Objects.hashCode(getValue());
    }

    @Override
    public String toString() {
      return getKey() + "=" + getValue();
    }
  }
}
