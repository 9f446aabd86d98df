package dev.slipstream.core.port;

import dev.slipstream.core.slo.PredictionAgreement.Prediction;
import java.util.List;

/** The latest results a job wrote to a topic, as a downstream reader with isolation.level=read_committed sees them. */
public interface OutputSampleSource {
  /** Up to about {@code count} of the latest records of {@code topic}; empty when the topic cannot be read. */
  List<Prediction> latest(String topic, int count);
}
