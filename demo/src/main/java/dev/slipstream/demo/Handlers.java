package dev.slipstream.demo;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Consumer;

/** Informer handlers for the benches, which look at objects as they are added or changed and ignore deletes. */
final class Handlers {
  private Handlers() {}

  /** Each object as added and as it is after each change. */
  static <T> ResourceEventHandler<T> addedOrUpdated(Consumer<T> seen) {
    return handler(seen, seen);
  }

  /** Each object as added; changes ignored. */
  static <T> ResourceEventHandler<T> added(Consumer<T> seen) {
    return handler(seen, o -> {});
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> added, Consumer<T> updated) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        added.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        updated.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    };
  }
}
