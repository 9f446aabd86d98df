package dev.slipstream.operator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipstream.operator.OperatorConfig.LogFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogSetupTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @AfterEach
  void restore() {
    LogSetup.apply(LogFormat.TEXT);
  }

  /** What the framework puts in the logging context while it reconciles a resource. */
  private static void logDuringReconcile(String message) {
    MDC.put("resource.namespace", "payments");
    MDC.put("resource.name", "fraud-scoring");
    try {
      LoggerFactory.getLogger("dev.slipstream.test").info(message, 42);
    } finally {
      MDC.clear();
    }
  }

  @Test
  void jsonLinesCarryTheLevelTheMessageAndTheReconciledResource() throws Exception {
    LogSetup.apply(LogFormat.JSON, out);
    logDuringReconcile("created {} objects");
    String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertThat(lines).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(lines[0]);
    assertThat(line.path("level").asText()).isEqualTo("INFO");
    assertThat(line.path("loggerName").asText()).isEqualTo("dev.slipstream.test");
    assertThat(line.path("formattedMessage").asText()).isEqualTo("created 42 objects");
    assertThat(line.path("mdc").path("resource.namespace").asText()).isEqualTo("payments");
    assertThat(line.path("mdc").path("resource.name").asText()).isEqualTo("fraud-scoring");
  }

  @Test
  void textLinesSayNamespaceSlashName() {
    LogSetup.apply(LogFormat.TEXT, out);
    logDuringReconcile("created {} objects");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("INFO").contains("payments/fraud-scoring - created 42 objects");
  }
}
