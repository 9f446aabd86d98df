package dev.slipstream.controllers.common;

/**
 * A small, lossy table of recently read strings, so that equal strings read apart become one instance: a string
 * whose slot (by its hash) holds an equal one is given that one; otherwise it takes the slot. Nothing is kept beyond
 * the table's 65,536 references, a unique string only passes through, and threads share it without locks (a lost
 * race only loses a sharing). The same idea as the JVM's string deduplication, without depending on its collector.
 */
final class SharedStrings {
  static final SharedStrings INSTANCE = new SharedStrings(1 << 16);
  /** Longer strings are rarely equal to another (a message naming its object, a copy of a spec): not shared. */
  static final int LONGEST = 512;
  private final String[] slots;
  private final int mask;

  SharedStrings(int size) {
    if (Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException("a power of two: " + size);
    }
    this.slots = new String[size];
    this.mask = size - 1;
  }

  String share(String text) {
    if (text == null || text.length() > LONGEST) {
      return text;
    }
    int slot = spread(text.hashCode()) & mask;
    String seen = slots[slot];
    if (text.equals(seen)) {
      return seen;
    }
    slots[slot] = text;
    return text;
  }

  private static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }
}
