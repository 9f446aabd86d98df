package dev.slipstream.job.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Follows the control ConfigMap mounted as a directory, one file per key. The kubelet swaps the files in place
 * (a symlink to a new directory), so the directory is simply read again every {@code period}; a read that
 * fails keeps the last control. One watcher per directory and process, shared by the job's operators.
 */
public final class ControlWatcher implements AutoCloseable {
  private static final Map<String, ControlWatcher> WATCHERS = new HashMap<>();

  private final Path dir;
  private final AtomicReference<Map<String, String>> data = new AtomicReference<>(Map.of());
  private final ScheduledExecutorService timer;
  private final java.util.List<Consumer<Map<String, String>>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private int users;

  private ControlWatcher(Path dir, long periodMillis) {
    this.dir = dir;
    read();
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "slipstream-control " + dir);
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::read, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** The watcher of {@code dir}, started on first use; release it with {@link #close()}. */
  public static synchronized ControlWatcher watch(String dir, long periodMillis) {
    ControlWatcher w = WATCHERS.computeIfAbsent(dir, d -> new ControlWatcher(Path.of(d), periodMillis));
    w.users++;
    return w;
  }

  /** The ConfigMap's keys as last read; empty when the directory or its files are absent. */
  public Map<String, String> data() {
    return data.get();
  }

  /**
   * The control these keys give for a job on {@code endpoint} and {@code modelName}: read once per change of the
   * ConfigMap, not once per event.
   */
  public JobControl control(String endpoint, String modelName) {
    Map<String, String> now = data.get();
    Cached c = cached;
    if (c == null || c.data() != now || !c.endpoint().equals(endpoint) || !c.modelName().equals(modelName)) {
      c = new Cached(now, endpoint, modelName, JobControl.from(now, endpoint, modelName));
      cached = c;
    }
    return c.control();
  }

  private volatile Cached cached;

  private record Cached(Map<String, String> data, String endpoint, String modelName, JobControl control) {}

  /** Calls {@code listener} after every read that changed something. */
  public void onChange(Consumer<Map<String, String>> listener) {
    listeners.add(listener);
  }

  private void read() {
    Map<String, String> now = new HashMap<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String name = f.getFileName().toString();
          if (!name.startsWith("..") && Files.isRegularFile(f)) {
            now.put(name, Files.readString(f).trim());
          }
        }
      } catch (IOException e) {
        return; // mid-swap or unreadable: keep what we had, read again next time
      }
    }
    // the same map while nothing changes: the control read from it is kept as long (see control())
    if (!data.get().equals(now)) {
      data.set(Map.copyOf(now));
      listeners.forEach(l -> l.accept(data.get()));
    }
  }

  @Override
  public void close() {
    synchronized (ControlWatcher.class) {
      if (--users == 0) {
        WATCHERS.remove(dir.toString());
        timer.shutdownNow();
      }
    }
  }
}
