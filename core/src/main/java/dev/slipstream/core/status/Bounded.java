package dev.slipstream.core.status;

import java.util.ArrayList;
import java.util.List;

/** What status keeps of a history or a text, bounded so an object stays far below etcd's limit. */
public final class Bounded {
  private Bounded() {}

  /** The list with {@code item} added, keeping the newest {@code max}; a null list is an empty one. */
  public static <T> List<T> newest(List<T> list, T item, int max) {
    List<T> all = new ArrayList<>(list == null ? List.of() : list);
    all.add(item);
    return List.copyOf(all.subList(Math.max(0, all.size() - max), all.size()));
  }

  /** The text cut to {@code max} characters, an ellipsis saying so; null stays null. */
  public static String cap(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
