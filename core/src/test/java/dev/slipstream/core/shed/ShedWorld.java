package dev.slipstream.core.shed;

import dev.slipstream.api.v1alpha1.ObjectReference;
import dev.slipstream.api.v1alpha1.ShedLevel;
import dev.slipstream.api.v1alpha1.ShedPolicySpec;
import dev.slipstream.api.v1alpha1.ShedStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A pipeline on a ladder with a simulated clock: tests set the signals and step time. */
final class ShedWorld {
  final ShedPolicySpec policy = new ShedPolicySpec();
  Instant now = Instant.parse("2026-01-01T00:00:00Z");
  ShedStatus status;
  Long lag = 0L;
  Long consumed = 0L;
  Double p99 = 10.0;
  Double errors = 0.0;
  String hold;
  final List<ShedLadder.Change> changes = new ArrayList<>();

  /** scale-out (lag > 1000), downgrade (lag > 10000), shed (lag > 50000 or p99 > 500ms); 15s, cooldown 1m. */
  static ShedWorld threeLevels() {
    ShedWorld w = new ShedWorld();
    w.policy.evaluationInterval = "15s";
    w.policy.recovery.cooldown = "1m";
    w.policy.recovery.window = "30m";
    w.policy.recovery.maxChangesPerWindow = 10;
    ShedLevel scale = level("scale-out", 1000L);
    scale.scaleOut = new ShedLevel.ScaleOutAction();
    scale.scaleOut.maxReplicas = 6;
    ShedLevel downgrade = level("downgrade", 10000L);
    downgrade.downgrade = new ShedLevel.DowngradeAction();
    downgrade.downgrade.modelVersionRef = new ObjectReference();
    downgrade.downgrade.modelVersionRef.name = "fraud-small";
    ShedLevel shed = level("shed", 50000L);
    shed.triggers.p99LatencyMsAbove = 500;
    shed.shed = new ShedLevel.ShedAction();
    shed.shed.fallbackResult = "{\"score\":0}";
    w.policy.levels = new ArrayList<>(List.of(scale, downgrade, shed));
    return w;
  }

  static ShedLevel level(String name, Long lagAbove) {
    ShedLevel l = new ShedLevel();
    l.name = name;
    l.triggers = new ShedLevel.ShedTriggers();
    l.triggers.consumerLagAbove = lagAbove;
    return l;
  }

  ShedLadder.Decision evaluate() {
    ShedLadder.Decision d = ShedLadder.next("ladder", policy, status, new ShedSignals(lag, consumed, p99, errors), now, hold);
    status = d.status();
    if (d.change() != null) {
      changes.add(d.change());
    }
    return d;
  }

  /** Moves the clock by {@code by}, consuming {@code rate} messages per second meanwhile, and evaluates. */
  ShedLadder.Decision after(Duration by, long rate) {
    now = now.plus(by);
    consumed += rate * by.toSeconds();
    return evaluate();
  }

  ShedLadder.Decision after(Duration by) {
    return after(by, 100);
  }

  int level() {
    return status.level;
  }
}
