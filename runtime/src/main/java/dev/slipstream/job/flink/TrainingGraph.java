package dev.slipstream.job.flink;

import dev.slipstream.job.batch.ExportLine;
import dev.slipstream.job.batch.TrainingRange;
import dev.slipstream.job.batch.TrainingRows;
import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.event.EventReader;
import dev.slipstream.job.event.FeaturedEvent;
import dev.slipstream.job.event.SourceEvent;
import dev.slipstream.job.features.FeatureSet;
import dev.slipstream.job.features.FeatureSpec;
import dev.slipstream.job.output.OutputCodec;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;

/**
 * Training features from the same definitions and the same operators as the scoring job: a bounded read of
 * the input topic (a time range of it) or of a file export, judged for lateness per partition and featured per
 * key exactly as when serving, without calling the model. What differs is only where events come from and
 * where rows go, so a model is trained on the features it will be served.
 *
 * <p>No watermarks are generated: a bounded replay runs far faster than event time, and the job's watermark
 * only drops history and catches partitions that went idle while others moved on, which a replay does not
 * reproduce. History is kept for the whole range instead.
 */
public final class TrainingGraph {
  private TrainingGraph() {}

  /**
   * @param inputFile a file export of the topic ({@link ExportLine}), or null to read the topic itself
   * @param outputDir where the rows go, as JSON lines ({@code rows-*.jsonl}); any Flink file system URI
   */
  public static void build(StreamExecutionEnvironment env, JobSettings settings, TrainingRange range, String inputFile,
      String outputDir) {
    EventReader reader = new EventReader(settings.timestampField(), settings.keyField(), settings.idField(),
        new FeatureSet(settings.features(), 0).fields());
    SingleOutputStreamOperator<SourceEvent> judged;
    if (inputFile == null) {
      judged = env.fromSource(boundedSource(settings, range, reader), WatermarkStrategy.noWatermarks(),
              "events from " + settings.inputTopics() + " in range")
          .process(new LatenessJudge(settings)).name("judge lateness");
    } else {
      // one reader keeps every partition's lines in order; the lateness judge must see them so, so it stays with it
      judged = env.fromSource(FileSource.forRecordStreamFormat(new TextLineInputFormat(), new Path(inputFile)).build(),
              WatermarkStrategy.noWatermarks(), "export " + inputFile).setParallelism(1)
          .map(new ExportReader(reader)).name("read export").setParallelism(1)
          .process(new LatenessJudge(settings)).name("judge lateness").setParallelism(1);
    }
    SingleOutputStreamOperator<FeaturedEvent> featured = judged.keyBy(e -> e.key, Types.STRING)
        .process(new FeatureFunction(settings)).name("features");
    List<FeatureSpec> specs = settings.features();
    // the late ones come through the features, as in the scoring job, each with why it is late
    DataStream<String> rows = featured
        .filter(e -> range.contains(e.recordTimestamp)).name("in range")
        .map(e -> e.lateReason == null ? TrainingRows.features(e, specs)
            : TrainingRows.late(OutputCodec.late(e, e.lateReason, System.currentTimeMillis()))).name("rows");
    rows.sinkTo(FileSink.forRowFormat(new Path(outputDir), new SimpleStringEncoder<String>("UTF-8"))
            .withBucketAssigner(new BasePathBucketAssigner<>())
            .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("rows").withPartSuffix(".jsonl").build())
            .build())
        .name("rows to " + outputDir);
  }

  private static KafkaSource<SourceEvent> boundedSource(JobSettings settings, TrainingRange range, EventReader reader) {
    return KafkaSource.<SourceEvent>builder()
        .setBootstrapServers(settings.bootstrapServers())
        .setTopics(settings.inputTopics())
        .setGroupId(settings.consumerGroup() + ".training")
        .setClientIdPrefix(settings.jobName() + "-training")
        .setStartingOffsets(range.readFrom() == Long.MIN_VALUE ? OffsetsInitializer.earliest()
            : OffsetsInitializer.timestamp(range.readFrom()))
        .setBounded(range.to() == Long.MAX_VALUE ? OffsetsInitializer.latest() : OffsetsInitializer.timestamp(range.to()))
        .setDeserializer(new KafkaEventDeserializer(reader))
        .setProperty("commit.offsets.on.checkpoint", "false")
        .setProperty("isolation.level", "read_committed")
        .setProperties(ScoringGraph.clientProperties(settings))
        .build();
  }

  /** Lines of the export to events, numbering them for the problem message of a line that is not a record. */
  private static final class ExportReader extends RichMapFunction<String, SourceEvent> {
    private final EventReader reader;
    private long line;

    ExportReader(EventReader reader) {
      this.reader = reader;
    }

    @Override
    public SourceEvent map(String text) {
      SourceEvent e = ExportLine.read(text, reader, ++line);
      e.readAt = System.currentTimeMillis();
      return e;
    }
  }
}
