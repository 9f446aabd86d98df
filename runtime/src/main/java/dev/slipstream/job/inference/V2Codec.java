package dev.slipstream.job.inference;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.slipstream.job.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The KServe V2 / Open Inference Protocol over HTTP, as both KServe and Triton serve it:
 * {@code POST /v2/models/{name}/infer}. With features declared the model receives one FP64 tensor
 * {@code features} of shape [1, n] in the order of their definitions (a feature with no value is sent as 0);
 * without, one BYTES tensor {@code event} holding the event's JSON. A batch of events for one version is one request
 * with the batch as the tensor's first dimension, and its answer is split back into one answer per event.
 */
public final class V2Codec {
  private V2Codec() {}

  public static byte[] request(String eventId, double[] features, String payload) {
    return request(List.of(eventId), Collections.singletonList(features), Collections.singletonList(payload));
  }

  /**
   * One request for a batch of events (all for the same model version): one tensor with the
   * batch as its first dimension, [n, features] FP64 or [n] BYTES, rows in the order given; a batch of one carries
   * its event's id.
   *
   * @param features each event's features (null or empty for none: the events' JSON is sent)
   */
  public static byte[] request(List<String> eventIds, List<double[]> features, List<String> payloads) {
    int n = eventIds.size();
    double[] first = features.get(0);
    boolean numeric = first != null && first.length > 0;
    // written as it goes, not built as a tree first: a batch of 32 events of 10 features was 320 number nodes
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(numeric ? 96 + n * first.length * 20 : 256);
    try (com.fasterxml.jackson.core.JsonGenerator g = Json.MAPPER.getFactory().createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("id", n == 1 ? eventIds.get(0) : eventIds.get(0) + "+" + (n - 1));
      g.writeArrayFieldStart("inputs");
      g.writeStartObject();
      g.writeStringField("name", numeric ? "features" : "event");
      g.writeArrayFieldStart("shape");
      g.writeNumber(n);
      if (numeric) {
        g.writeNumber(first.length);
      }
      g.writeEndArray();
      g.writeStringField("datatype", numeric ? "FP64" : "BYTES");
      g.writeArrayFieldStart("data");
      if (numeric) {
        for (double[] row : features) {
          for (double f : row) {
            g.writeNumber(Double.isNaN(f) ? 0.0 : f);
          }
        }
      } else {
        for (String payload : payloads) {
          g.writeString(payload);
        }
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads the answer to a batch of {@code n}: one answer per row, in the request's order. Every output must carry the
   * batch as its first dimension (its shape's first entry, or as many rows of data); otherwise no row is trusted and
   * the whole answer fails (not transient).
   *
   * <p>Read as a stream, never as a tree: each event's outputs are the server's own text of its rows, copied from the
   * answer's bytes, and its score the first number of the first output's row. A tree of a batch's answer, split
   * into a tree per event and written again, was most of the model client's CPU.
   */
  public static List<Answer> responses(byte[] body, String requestedModel, int n) {
    Reply reply = Reply.read(body);
    String model = reply.model == null ? requestedModel : reply.model;
    if (n == 1) {
      Rows rows = new Rows(body);
      rows.open();
      for (Output out : reply.outputs) {
        rows.name(out.quotedName());
        rows.slice(out.dataStart, out.dataEnd);
      }
      return List.of(new Answer(model, reply.version, reply.first.dataFirst, rows.close()));
    }
    reply.first.check(n);
    for (Output out : reply.outputs) {
      out.check(n);
    }
    List<Answer> answers = new ArrayList<>(n);
    Rows rows = new Rows(body);
    for (int i = 0; i < n; i++) {
      rows.open();
      for (Output out : reply.outputs) {
        rows.name(out.quotedName());
        out.row(rows, i, n);
      }
      answers.add(new Answer(model, reply.version, reply.first.score(i, n), rows.close()));
    }
    return answers;
  }

  /** Reads a response; throws {@link InferenceException} (not transient) when it is not a V2 answer. */
  public static Answer response(byte[] body, String requestedModel) {
    return responses(body, requestedModel, 1).get(0);
  }

  /** What an answer says: who answered, and where each output's values are in its bytes. */
  private static final class Reply {
    String model;
    String version = "unknown";
    /** By name, in the order first seen: an output named twice is the later one, in the first one's place. */
    final List<Output> outputs = new ArrayList<>(2);
    /** The first output in the answer's order, whose first value is the score. */
    Output first;

    static Reply read(byte[] body) {
      Reply reply = new Reply();
      try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new InferenceException("the answer has no outputs", false);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          switch (field) {
            case "model_name" -> reply.model = value == JsonToken.VALUE_NULL ? null : p.getValueAsString(null);
            case "model_version" -> {
              String version = value == JsonToken.VALUE_NULL ? null : p.getValueAsString(null);
              reply.version = version == null || version.isEmpty() ? "unknown" : version;
            }
            case "outputs" -> {
              if (value == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                  reply.add(Output.read(p));
                }
              } else {
                p.skipChildren();
              }
            }
            default -> p.skipChildren();
          }
        }
      } catch (IOException e) {
        throw new InferenceException("the answer is not JSON", false);
      }
      if (reply.first == null) {
        throw new InferenceException("the answer has no outputs", false);
      }
      return reply;
    }

    private void add(Output out) {
      if (first == null) {
        first = out;
      }
      for (int i = 0; i < outputs.size(); i++) {
        if (outputs.get(i).name.equals(out.name)) {
          outputs.set(i, out);
          return;
        }
      }
      outputs.add(out);
    }
  }

  /**
   * One output: its name, its shape's first entry, and its data as byte ranges of the answer: the whole, and each of
   * its elements with the first number each holds (however deeply nested; NaN when it holds none first).
   */
  private static final class Output {
    String name = "output";
    boolean shaped;
    long batch;
    int dataStart = -1;
    int dataEnd = -1;
    double dataFirst = Double.NaN;
    /** Whether the data is an array and its first element an array too: one element per row. */
    boolean nested;
    int count;
    int[] starts = new int[8];
    int[] ends = new int[8];
    double[] firsts = new double[8];
    private byte[] quotedName;

    static Output read(JsonParser p) throws IOException {
      Output out = new Output();
      if (p.currentToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
        return out;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("name".equals(field) && value.isScalarValue() && value != JsonToken.VALUE_NULL) {
          out.name = p.getValueAsString("output");
        } else if ("shape".equals(field) && value == JsonToken.START_ARRAY) {
          if (p.nextToken() != JsonToken.END_ARRAY) {
            out.shaped = true;
            out.batch = p.getValueAsLong(0);
            p.skipChildren();
            while (p.nextToken() != JsonToken.END_ARRAY) {
              p.skipChildren();
            }
          }
        } else if ("data".equals(field)) {
          out.dataStart = start(p);
          if (value == JsonToken.START_ARRAY) {
            while (p.nextToken() != JsonToken.END_ARRAY) {
              out.element(p);
            }
            out.dataFirst = out.count == 0 ? Double.NaN : out.firsts[0];
          } else {
            out.dataFirst = value.isNumeric() ? p.getDoubleValue() : Double.NaN;
            p.skipChildren();
          }
          out.dataEnd = end(p);
        } else {
          p.skipChildren();
        }
      }
      return out;
    }

    /** One element of the data, the parser on its first token: its range and first number. */
    private void element(JsonParser p) throws IOException {
      if (count == starts.length) {
        starts = Arrays.copyOf(starts, count * 2);
        ends = Arrays.copyOf(ends, count * 2);
        firsts = Arrays.copyOf(firsts, count * 2);
      }
      if (count == 0) {
        nested = p.currentToken() == JsonToken.START_ARRAY;
      }
      starts[count] = start(p);
      double first = Double.NaN;
      boolean looking = true;
      int depth = 0;
      JsonToken t = p.currentToken();
      while (true) {
        if (t == JsonToken.START_ARRAY) {
          depth++;
        } else if (t == JsonToken.END_ARRAY) {
          depth--;
          looking = false;
        } else {
          if (looking && t.isNumeric()) {
            first = p.getDoubleValue();
          }
          looking = false;
          p.skipChildren();
        }
        if (depth == 0) {
          break;
        }
        t = p.nextToken();
      }
      ends[count] = end(p);
      firsts[count++] = first;
    }

    /** The name as JSON string content (escaped, UTF-8), worked out once for all the batch's events. */
    byte[] quotedName() {
      if (quotedName == null) {
        quotedName = com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsUTF8(name);
      }
      return quotedName;
    }

    /** Whether the data holds one element per row of a batch of {@code n} (else the rows' values one after another). */
    private boolean elementPerRow(int n) {
      return nested && count == n;
    }

    /** The answer to a batch of {@code n} must carry it as this output's first dimension. */
    void check(int n) {
      if (shaped && batch != n) {
        throw new InferenceException("output '" + name + "' has a batch dimension of " + batch + ", not " + n, false);
      }
      if (!elementPerRow(n) && (count == 0 || count % n != 0)) {
        throw new InferenceException("output '" + name + "' has " + count + " values, not a multiple of the batch of "
            + n, false);
      }
    }

    /** Row {@code i} of a batch of {@code n} as an array: [the row] for one element per row, else [its values]. */
    void row(Rows rows, int i, int n) {
      rows.put('[');
      if (elementPerRow(n)) {
        rows.slice(starts[i], ends[i]);
      } else {
        int width = count / n;
        for (int j = i * width; j < (i + 1) * width; j++) {
          if (j > i * width) {
            rows.put(',');
          }
          rows.slice(starts[j], ends[j]);
        }
      }
      rows.put(']');
    }

    double score(int i, int n) {
      return elementPerRow(n) ? firsts[i] : firsts[i * (count / n)];
    }

    /** Where the parser's current token starts in the answer's bytes. */
    private static int start(JsonParser p) {
      return (int) p.currentTokenLocation().getByteOffset();
    }

    /** Where the parser's current token ends: a text is read to its closing quote first. */
    private static int end(JsonParser p) throws IOException {
      p.finishToken();
      return (int) p.currentLocation().getByteOffset();
    }
  }

  /** Writes each event's outputs as one JSON object, from the answer's own bytes. */
  private static final class Rows {
    private final byte[] body;
    private byte[] buf = new byte[128];
    private int len;
    private boolean firstField;

    Rows(byte[] body) {
      this.body = body;
    }

    void open() {
      len = 0;
      firstField = true;
      put('{');
    }

    /** An output's name, as {@link Output#quotedName()} gives it. */
    void name(byte[] quoted) {
      if (!firstField) {
        put(',');
      }
      firstField = false;
      put('"');
      put(quoted, 0, quoted.length);
      put('"');
      put(':');
    }

    /** The bytes [start, end) of the answer; no data at all is written as null. */
    void slice(int start, int end) {
      if (start < 0) {
        put("null".getBytes(StandardCharsets.US_ASCII), 0, 4);
      } else {
        put(body, start, end - start);
      }
    }

    void put(char c) {
      ensure(1);
      buf[len++] = (byte) c;
    }

    private void put(byte[] bytes, int offset, int length) {
      ensure(length);
      System.arraycopy(bytes, offset, buf, len, length);
      len += length;
    }

    private void ensure(int more) {
      if (len + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
      }
    }

    String close() {
      put('}');
      return new String(buf, 0, len, StandardCharsets.UTF_8);
    }
  }

  /** A model's answer: who answered, the score (first value of the first output) and all outputs as JSON. */
  public record Answer(String modelName, String modelVersion, double score, String outputs) {}
}
