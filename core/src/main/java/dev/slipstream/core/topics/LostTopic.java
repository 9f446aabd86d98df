package dev.slipstream.core.topics;

/**
 * A topic the pipeline had seen (under {@code lostId}) that is gone or has another id now: deleted, or deleted and
 * recreated, outside the pipeline. Its records are gone either way.
 *
 * @param currentId the id of the topic now under that name, null when there is none
 * @param recreated whether the pipeline's lostTopicPolicy (Recreate) creates it again or accepts the replacement;
 *     otherwise the topic is held: reported, and neither created nor changed
 */
public record LostTopic(String name, String lostId, String currentId, boolean recreated) {
  public String message() {
    if (currentId == null) {
      return recreated
          ? "was deleted outside the pipeline (topic id " + lostId + "); created again, empty (lostTopicPolicy Recreate)"
          : "was deleted outside the pipeline (topic id " + lostId + "); its records are gone. It is not recreated on its"
              + " own: set spec.lostTopicPolicy: Recreate to create it again, empty";
    }
    return recreated
        ? "was replaced outside the pipeline (topic id " + lostId + ", now " + currentId + "); the new topic is accepted"
            + " (lostTopicPolicy Recreate)"
        : "was deleted and recreated outside the pipeline (topic id " + lostId + ", now " + currentId + "); the records"
            + " before are gone. Set spec.lostTopicPolicy: Recreate to accept the new topic";
  }
}
