import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * After a failed test run: what the Surefire and Failsafe reports say, short enough to be read at the end of a CI
 * log. Each failed or broken test gets its first lines of trace and the last lines of its output file; a forked JVM
 * that died gets the end of its dump stream and its crash log. The one-line summary comes last.
 * Run with: java .ci/Failures.java [root]; exits 1 when a test failed or broke, 0 when none did (the run failed
 * outside the tests' assertions: a forked JVM that died, a plugin).
 */
public final class Failures {
  private static final Pattern CASE = Pattern.compile(
      "<testcase\\s+name=\"([^\"]*)\"\\s+classname=\"([^\"]*)\"[^>]*?(?:/>|>(.*?)</testcase>)", Pattern.DOTALL);
  private static final Pattern PROBLEM = Pattern.compile(
      "<(failure|error)(?:\\s+message=\"([^\"]*)\")?[^>]*>(.*?)</\\1>", Pattern.DOTALL);
  private static final int TRACE_LINES = 25;
  private static final int OUTPUT_LINES = 30;

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : ".");
    List<String> summary = new ArrayList<>();
    int failedTests = 0;
    List<Path> reports;
    try (Stream<Path> files = Files.walk(root, 4)) {
      reports = files.filter(Failures::isReportFile).sorted().toList();
    }
    for (Path report : reports) {
      String name = report.getFileName().toString();
      if (name.endsWith(".xml")) {
        failedTests += readReport(report, summary);
      } else {
        System.out.println("== " + root.relativize(report) + " (a forked test JVM's own output), last lines:");
        printTail(Files.readAllLines(report), OUTPUT_LINES);
        summary.add("forked JVM output: " + root.relativize(report));
      }
    }
    System.out.println("== " + failedTests + " test(s) failed or broke" + (failedTests == 0
        ? " (the run failed outside the tests' assertions; see the Maven error above)" : ""));
    summary.forEach(line -> System.out.println("  " + line));
    System.exit(failedTests == 0 ? 0 : 1);
  }

  private static boolean isReportFile(Path path) {
    String name = path.getFileName().toString();
    String dir = path.getParent() == null ? "" : path.getParent().getFileName().toString();
    boolean reportDir = dir.equals("surefire-reports") || dir.equals("failsafe-reports");
    return reportDir && (name.startsWith("TEST-") && name.endsWith(".xml") || name.endsWith(".dumpstream"))
        || name.startsWith("hs_err_pid");
  }

  /** Prints each failed or broken test of one report; returns how many there were. */
  private static int readReport(Path report, List<String> summary) throws IOException {
    String xml = Files.readString(report);
    int failed = 0;
    Matcher testCase = CASE.matcher(xml);
    while (testCase.find()) {
      String body = testCase.group(3);
      Matcher problem = body == null ? null : PROBLEM.matcher(body);
      if (problem == null || !problem.find()) {
        continue;
      }
      String test = testCase.group(2) + "#" + testCase.group(1);
      String message = unescape(problem.group(2) == null ? "" : problem.group(2));
      System.out.println("== " + problem.group(1).toUpperCase() + " " + test);
      unescape(problem.group(3)).lines().limit(TRACE_LINES).forEach(System.out::println);
      Path output = report.resolveSibling(testCase.group(2) + "-output.txt");
      if (Files.exists(output)) {
        System.out.println("-- last lines of " + output.getFileName());
        printTail(Files.readAllLines(output), OUTPUT_LINES);
      }
      String firstLine = message.lines().findFirst().orElse("");
      summary.add(test + ": " + (firstLine.length() > 200 ? firstLine.substring(0, 200) + "..." : firstLine));
      failed++;
    }
    return failed;
  }

  private static void printTail(List<String> lines, int count) {
    lines.subList(Math.max(0, lines.size() - count), lines.size()).forEach(System.out::println);
  }

  private static String unescape(String text) {
    return text.replace("<![CDATA[", "").replace("]]>", "").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
        .replace("&#10;", "\n").replace("&#13;", "").replace("&amp;", "&");
  }
}
