package dev.slipstream.job.event;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * How an event crosses the shuffle to its key's subtask, and is copied between chained steps: its fields written one
 * after the other. Flink's POJO serializer reads and writes each field by reflection, which boxes every long (five
 * per event, each way) and tags every field with a null marker; the events' keyBy is the job's one network exchange
 * and every step copies what it is handed, so that was paid several times for every event. {@link SourceEvent} and
 * {@link FeaturedEvent} each have one (Flink looks for a type's serializer up its class hierarchy, so a subclass
 * without its own would be written as its parent, its fields lost). Neither is kept in state: a change of the layout
 * needs no migration, but the snapshots are versioned all the same.
 */
public abstract class SourceEventSerializer<T extends SourceEvent> extends TypeSerializerSingleton<T> {
  private static final long serialVersionUID = 1L;

  /** A {@link SourceEvent}'s. */
  public static final Source SOURCE = new Source();
  /** A {@link FeaturedEvent}'s: a source event's fields, then the features. */
  public static final Featured FEATURED = new Featured();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public T copy(T from) {
    T e = createInstance();
    copyFields(from, e);
    copyOwnFields(from, e);
    return e;
  }

  @Override
  public T copy(T from, T reuse) {
    return copy(from);
  }

  @Override
  public void serialize(T e, DataOutputView out) throws IOException {
    writeFields(e, out);
    writeOwnFields(e, out);
  }

  @Override
  public T deserialize(DataInputView in) throws IOException {
    T e = createInstance();
    readFields(e, in);
    readOwnFields(e, in);
    return e;
  }

  /** What a subclass of {@link SourceEvent} adds: copied, written after the source event's fields and read back. */
  void copyOwnFields(T from, T e) {}

  void writeOwnFields(T e, DataOutputView out) throws IOException {}

  void readOwnFields(T e, DataInputView in) throws IOException {}

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public T deserialize(T reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  /** Every field of a source event, from one to another (the arrays copied). */
  static void copyFields(SourceEvent from, SourceEvent e) {
    copyAllButFeatureValues(from, e);
    e.numbers = from.numbers == null ? null : from.numbers.clone();
    e.texts = from.texts == null ? null : from.texts.clone();
  }

  /** Every field but the values the features were computed from ({@code numbers}, {@code texts}). */
  static void copyAllButFeatureValues(SourceEvent from, SourceEvent e) {
    e.topic = from.topic;
    e.partition = from.partition;
    e.offset = from.offset;
    e.recordTimestamp = from.recordTimestamp;
    e.key = from.key;
    e.id = from.id;
    e.eventTime = from.eventTime;
    e.payload = from.payload;
    e.problem = from.problem;
    e.lateReason = from.lateReason;
    e.lateness = from.lateness;
    e.watermark = from.watermark;
    e.readAt = from.readAt;
  }

  static void writeFields(SourceEvent e, DataOutputView out) throws IOException {
    StringValue.writeString(e.topic, out);
    out.writeInt(e.partition);
    out.writeLong(e.offset);
    out.writeLong(e.recordTimestamp);
    StringValue.writeString(e.key, out);
    StringValue.writeString(e.id, out);
    out.writeLong(e.eventTime);
    StringValue.writeString(e.payload, out);
    writeDoubles(e.numbers, out);
    writeTexts(e.texts, out);
    StringValue.writeString(e.problem, out);
    StringValue.writeString(e.lateReason, out);
    out.writeInt(e.lateness);
    out.writeLong(e.watermark);
    out.writeLong(e.readAt);
  }

  static void readFields(SourceEvent e, DataInputView in) throws IOException {
    e.topic = StringValue.readString(in);
    e.partition = in.readInt();
    e.offset = in.readLong();
    e.recordTimestamp = in.readLong();
    e.key = StringValue.readString(in);
    e.id = StringValue.readString(in);
    e.eventTime = in.readLong();
    e.payload = StringValue.readString(in);
    e.numbers = readDoubles(in);
    e.texts = readTexts(in);
    e.problem = StringValue.readString(in);
    e.lateReason = StringValue.readString(in);
    e.lateness = in.readInt();
    e.watermark = in.readLong();
    e.readAt = in.readLong();
  }

  private static void writeDoubles(double[] values, DataOutputView out) throws IOException {
    if (values == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(values.length);
    for (double d : values) {
      out.writeDouble(d);
    }
  }

  private static double[] readDoubles(DataInputView in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = in.readDouble();
    }
    return values;
  }

  private static void writeTexts(String[] values, DataOutputView out) throws IOException {
    if (values == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(values.length);
    for (String t : values) {
      StringValue.writeString(t, out);
    }
  }

  private static String[] readTexts(DataInputView in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      values[i] = StringValue.readString(in);
    }
    return values;
  }

  /** {@link SourceEvent}'s serializer. */
  public static final class Source extends SourceEventSerializer<SourceEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public SourceEvent createInstance() {
      return new SourceEvent();
    }

    @Override
    public TypeSerializerSnapshot<SourceEvent> snapshotConfiguration() {
      return new SourceSnapshot();
    }
  }

  /** {@link FeaturedEvent}'s serializer. */
  public static final class Featured extends SourceEventSerializer<FeaturedEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public FeaturedEvent createInstance() {
      return new FeaturedEvent();
    }

    @Override
    void copyOwnFields(FeaturedEvent from, FeaturedEvent e) {
      e.features = from.features == null ? null : from.features.clone();
    }

    @Override
    void writeOwnFields(FeaturedEvent e, DataOutputView out) throws IOException {
      writeDoubles(e.features, out);
    }

    @Override
    void readOwnFields(FeaturedEvent e, DataInputView in) throws IOException {
      e.features = readDoubles(in);
    }

    @Override
    public TypeSerializerSnapshot<FeaturedEvent> snapshotConfiguration() {
      return new FeaturedSnapshot();
    }
  }

  /** {@link Source}'s snapshot: it has no configuration, only its version. */
  public static final class SourceSnapshot extends SimpleTypeSerializerSnapshot<SourceEvent> {
    public SourceSnapshot() {
      super(() -> SOURCE);
    }
  }

  /** {@link Featured}'s snapshot. */
  public static final class FeaturedSnapshot extends SimpleTypeSerializerSnapshot<FeaturedEvent> {
    public FeaturedSnapshot() {
      super(() -> FEATURED);
    }
  }

  /** What {@code @TypeInfo} on {@link SourceEvent} names: Flink asks it for the type's information. */
  public static final class SourceFactory extends TypeInfoFactory<SourceEvent> {
    @Override
    public TypeInformation<SourceEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
      return new Info<>(SourceEvent.class, SOURCE);
    }
  }

  /** What {@code @TypeInfo} on {@link FeaturedEvent} names. */
  public static final class FeaturedFactory extends TypeInfoFactory<FeaturedEvent> {
    @Override
    public TypeInformation<FeaturedEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
      return new Info<>(FeaturedEvent.class, FEATURED);
    }
  }

  /** An event type's information: opaque (no fields a key expression could name), with its serializer. */
  public static final class Info<T extends SourceEvent> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;
    private final Class<T> type;
    private final SourceEventSerializer<T> serializer;

    Info(Class<T> type, SourceEventSerializer<T> serializer) {
      this.type = type;
      this.serializer = serializer;
    }

    @Override
    public boolean isBasicType() {
      return false;
    }

    @Override
    public boolean isTupleType() {
      return false;
    }

    @Override
    public int getArity() {
      return 1;
    }

    @Override
    public int getTotalFields() {
      return 1;
    }

    @Override
    public Class<T> getTypeClass() {
      return type;
    }

    @Override
    public boolean isKeyType() {
      return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
      return serializer;
    }

    @Override
    public String toString() {
      return type.getSimpleName();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Info<?> other && other.type == type;
    }

    @Override
    public int hashCode() {
      return type.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
      return o instanceof Info<?>;
    }
  }
}
