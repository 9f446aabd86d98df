package dev.slipstream.job.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class SourceEventSerializerTest {
  private static final SourceEventSerializer.Source SERIALIZER = SourceEventSerializer.SOURCE;

  @Test
  void flinkWritesEachEventTypeWithItsOwnSerializerNotByReflectionNorKryo() {
    assertThat(TypeInformation.of(SourceEvent.class).createSerializer(new SerializerConfigImpl())).isSameAs(SERIALIZER);
    assertThat(TypeInformation.of(FeaturedEvent.class).createSerializer(new SerializerConfigImpl()))
        .as("the subclass its own, not its parent's (its features would be lost)").isSameAs(SourceEventSerializer.FEATURED);
  }

  @Test
  void everyFieldSurvivesTheWireAndACopy() throws Exception {
    SourceEvent full = everyFieldSet(new SourceEvent());
    assertSameFields(roundTrip(SERIALIZER, full), full);
    assertSameFields(SERIALIZER.copy(full), full);
    assertSameFields(copyThroughBytes(SERIALIZER, full), full);
    SourceEvent copy = SERIALIZER.copy(full);
    copy.numbers[0] = -1;
    copy.texts[0] = "changed";
    assertThat(full.numbers[0]).as("a copy's arrays are its own").isEqualTo(1.5);
    assertThat(full.texts[0]).isEqualTo("é ✓ \u0000");
  }

  @Test
  void aFeaturedEventsEveryFieldItsFeaturesIncludedSurvivesTheWireAndACopy() throws Exception {
    var featured = SourceEventSerializer.FEATURED;
    FeaturedEvent full = everyFieldSet(new FeaturedEvent());
    assertThat(full.features).isNotNull();
    assertSameFields(roundTrip(featured, full), full);
    assertSameFields(featured.copy(full), full);
    assertSameFields(copyThroughBytes(featured, full), full);
    FeaturedEvent copy = featured.copy(full);
    copy.features[0] = -1;
    assertThat(full.features[0]).isEqualTo(1.5);
    FeaturedEvent none = new FeaturedEvent();
    assertSameFields(roundTrip(featured, none), none);
  }

  @Test
  void nullsEmptyArraysAndDefaultsSurviveAsThemselves() throws Exception {
    SourceEvent bare = new SourceEvent();
    assertSameFields(roundTrip(SERIALIZER, bare), bare);
    SourceEvent empty = new SourceEvent();
    empty.numbers = new double[0];
    empty.texts = new String[] {null, ""};
    empty.payload = "";
    SourceEvent back = roundTrip(SERIALIZER, empty);
    assertSameFields(back, empty);
    assertThat(back.numbers).isEmpty();
    assertThat(back.texts).containsExactly(null, "");
    assertThat(back.payload).isEmpty();
  }

  @Test
  void eventsOneAfterAnotherInOneBufferAndALongPayload() throws Exception {
    SourceEvent first = everyFieldSet(new SourceEvent());
    SourceEvent second = new SourceEvent();
    second.payload = "x".repeat(200_000);
    second.numbers = new double[] {Double.NaN, Double.NEGATIVE_INFINITY};
    DataOutputSerializer out = new DataOutputSerializer(64);
    SERIALIZER.serialize(first, out);
    SERIALIZER.serialize(second, out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    assertSameFields(SERIALIZER.deserialize(in), first);
    assertSameFields(SERIALIZER.deserialize(new SourceEvent(), in), second);
    assertThat(in.available()).isZero();
  }

  @Test
  void itsSnapshotRestoresTheSameSerializerAndIsCompatibleWithItself() throws Exception {
    for (SourceEventSerializer<?> serializer : List.of(SERIALIZER, SourceEventSerializer.FEATURED)) {
      assertSnapshotRestores(serializer);
    }
  }

  private static <T extends SourceEvent> void assertSnapshotRestores(SourceEventSerializer<T> serializer) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(16);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
    TypeSerializerSnapshot<T> read = TypeSerializerSnapshot.readVersionedSnapshot(
        new DataInputDeserializer(out.getCopyOfBuffer()), SourceEventSerializerTest.class.getClassLoader());
    assertThat(read.restoreSerializer()).isSameAs(serializer);
    assertThat(serializer.snapshotConfiguration().resolveSchemaCompatibility(read).isCompatibleAsIs()).isTrue();
  }

  /** Every instance field of the event set to something other than its default, so a field left out shows. */
  private static <T extends SourceEvent> T everyFieldSet(T e) throws IllegalAccessException {
    int i = 1;
    for (Field f : fields(e.getClass())) {
      Class<?> type = f.getType();
      if (type == String.class) {
        f.set(e, f.getName() + " é ✓ " + i);
      } else if (type == int.class) {
        f.setInt(e, 1000 + i);
      } else if (type == long.class) {
        f.setLong(e, Long.MAX_VALUE - i);
      } else if (type == double[].class) {
        f.set(e, new double[] {1.5, -0.0, Double.MAX_VALUE, Double.NaN});
      } else if (type == String[].class) {
        f.set(e, new String[] {"é ✓ \u0000", null, "t" + i});
      } else {
        throw new AssertionError(f + " is a " + type + ": teach this test and the serializer");
      }
      i++;
    }
    return e;
  }

  /** The instance fields of the class and its parents. */
  private static List<Field> fields(Class<?> type) {
    List<Field> all = new java.util.ArrayList<>();
    for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
      Arrays.stream(c.getDeclaredFields()).filter(f -> !Modifier.isStatic(f.getModifiers())).forEach(all::add);
    }
    return all;
  }

  private static void assertSameFields(SourceEvent actual, SourceEvent expected) throws IllegalAccessException {
    assertThat(actual).hasSameClassAs(expected);
    for (Field f : fields(expected.getClass())) {
      Object a = f.get(actual);
      Object b = f.get(expected);
      if (b instanceof double[] d) {
        assertThat(Arrays.equals((double[]) a, d)).as(f.getName()).isTrue();
      } else if (b instanceof Object[] o) {
        assertThat((Object[]) a).as(f.getName()).containsExactly(o);
      } else {
        assertThat(a).as(f.getName()).isEqualTo(b);
      }
    }
  }

  private static <T extends SourceEvent> T roundTrip(SourceEventSerializer<T> serializer, T e) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(e, out);
    return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
  }

  private static <T extends SourceEvent> T copyThroughBytes(SourceEventSerializer<T> serializer, T e) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(e, out);
    DataOutputSerializer copied = new DataOutputSerializer(64);
    serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
    return serializer.deserialize(new DataInputDeserializer(copied.getCopyOfBuffer()));
  }
}
