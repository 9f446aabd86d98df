package dev.slipstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a reliability test did and what held, recorded when it passes (under the module's
 * target/reliability), for README's RELIABILITY section: the section is generated from these records by the
 * last module's ReliabilityReportIT, never written by hand. Record only what does not vary between runs.
 */
public final class Reliability {
  private Reliability() {}

  /**
   * @param area Load, Faults, Bad input or Data
   * @param what what the test did to the operator
   * @param held what it checked held afterwards
   */
  public static void record(String area, String what, String held) {
    write(area + "\t" + what + "\t" + held + "\n");
  }

  /**
   * A Data record with what the test counted: records on the broker before and after what it did. The report's
   * "data lost" line is the sum of the differences over every such record of the run.
   */
  public static void counted(String what, String held, long recordsBefore, long recordsAfter) {
    write("Data\t" + what + "\t" + held + "\t" + recordsBefore + "\t" + recordsAfter + "\n");
  }

  private static void write(String line) {
    try {
      Path dir = Path.of("target", "reliability");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(Integer.toHexString(line.hashCode()) + ".tsv"), line, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
