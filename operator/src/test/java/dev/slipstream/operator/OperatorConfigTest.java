package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorConfigTest {
  @Test
  void flagsWinOverTheEnvironmentWhichWinsOverDefaults() {
    OperatorConfig config = OperatorConfig.from(new String[] {"--resync=30s"},
        Map.of("SLIPSTREAM_RESYNC", "5m", "SLIPSTREAM_NAMESPACES", "payments, vision", "SLIPSTREAM_KAFKA_RETRY_MAX", "2m"));
    assertThat(config.resync()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.namespaces()).containsExactlyInAnyOrder("payments", "vision");
    assertThat(config.kafkaRetryMax()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.kafkaRetryMin()).isEqualTo(Duration.ofSeconds(2));
    assertThat(OperatorConfig.from(new String[0], Map.of()).namespaces()).as("default: all namespaces").isEmpty();
  }

  @Test
  void aBadValueNamesTheSettingAndHowToWriteIt() {
    assertThatThrownBy(() -> OperatorConfig.from(new String[] {"--resync=often"}, Map.of()))
        .hasMessageContaining("--resync").hasMessageContaining("SLIPSTREAM_RESYNC").hasMessageContaining("30s");
    assertThatThrownBy(() -> OperatorConfig.from(new String[] {"--resnyc=30s"}, Map.of()))
        .hasMessageContaining("unknown setting --resnyc").hasMessageContaining("--resync");
    assertThatThrownBy(() -> OperatorConfig.from(new String[0], Map.of("SLIPSTREAM_KAFKA_RETRY_MIN", "5m")))
        .hasMessageContaining("must not exceed --kafka-retry-max");
    assertThatThrownBy(() -> OperatorConfig.from(new String[] {"--resync=0s"}, Map.of())).hasMessageContaining("more than 0");
    assertThatThrownBy(() -> OperatorConfig.from(new String[] {"--prometheus-url=prometheus:9090"}, Map.of()))
        .hasMessageContaining("not an http(s) URL");
    assertThatThrownBy(() -> OperatorConfig.from(new String[] {"--log-format=yaml"}, Map.of()))
        .hasMessageContaining("--log-format (SLIPSTREAM_LOG_FORMAT) 'yaml' must be text or json");
    assertThatThrownBy(() -> OperatorConfig.from(new String[] {"--notification-sinks=platform:Teams:/x"}, Map.of()))
        .hasMessageContaining("'platform:Teams:/x' is not name:format:file");
    assertThat(OperatorConfig.from(new String[] {"--notification-sinks=platform:Slack:/etc/url,audit:CloudEvents:/e/u"},
        Map.of()).notificationSinks()).extracting(s -> s.name() + " " + s.format() + " " + s.urlFile())
        .containsExactly("platform Slack /etc/url", "audit CloudEvents /e/u");
    assertThat(OperatorConfig.from(new String[0], Map.of("SLIPSTREAM_LOG_FORMAT", "json")).logFormat())
        .isEqualTo(OperatorConfig.LogFormat.JSON);
  }

  @Test
  void theDocsListEverySettingWithItsDefault() throws Exception {
    Path readme = Path.of("..", "docs", "operations.md");
    String text = Files.readString(readme);
    for (OperatorConfig.Setting s : OperatorConfig.Setting.values()) {
      String defaultShown = !s.defaultValue.isEmpty() ? "`" + s.defaultValue + "`"
          : s == OperatorConfig.Setting.NAMESPACES ? "(all)" : "(none)";
      assertThat(text).as("docs/operations.md row for --%s", s.flag)
          .contains("| `--" + s.flag + "` | `" + s.env() + "` | " + defaultShown + " | " + s.description + " |");
    }
  }
}
