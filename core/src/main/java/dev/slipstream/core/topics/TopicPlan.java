package dev.slipstream.core.topics;

import dev.slipstream.core.port.TopicAction;
import java.util.List;
import java.util.Map;

/**
 * What to change on the broker so the topics match the pipeline, and what is different but left alone.
 *
 * @param actions changes to apply, in one batch
 * @param notes per topic, differences Slipstream does not change (lower partitions, other replication factor)
 * @param lost per topic, a topic the pipeline had seen that was deleted or replaced outside it
 */
public record TopicPlan(List<TopicAction> actions, Map<String, LostTopic> lost, Map<String, String> notes) {
  public TopicPlan(List<TopicAction> actions, Map<String, String> notes) {
    this(actions, Map.of(), notes);
  }

  public boolean isNoop() {
    return actions.isEmpty();
  }
}
