package dev.slipstream.operator.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.slipstream.operator.OperatorConfig.LogFormat;
import java.io.OutputStream;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code --log-format} to the process's logging. The framework puts the resource being reconciled in
 * the logging context ({@code resource.namespace}, {@code resource.name}, ...), so every line written during
 * a reconciliation says which resource it is about: in the text format as {@code namespace/name}, in JSON
 * Lines under {@code mdc}.
 */
public final class LogSetup {
  static final String TEXT_PATTERN =
      "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} %X{resource.namespace}/%X{resource.name} - %msg%n";

  private LogSetup() {}

  /** Writes to standard output in that format from now on. */
  public static void apply(LogFormat format) {
    apply(format, System.out);
  }

  /** Writes to {@code out} in that format from now on (tests pass their own stream). */
  public static void apply(LogFormat format, OutputStream out) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    Encoder<ILoggingEvent> encoder;
    if (format == LogFormat.JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      json.setWithArguments(false);
      json.setWithFormattedMessage(true);
      encoder = json;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setPattern(TEXT_PATTERN);
      encoder = text;
    }
    encoder.setContext(context);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = out == System.out ? new ConsoleAppender<>() : new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setName("console");
    appender.setEncoder(encoder);
    if (out != System.out) {
      appender.setOutputStream(out);
    }
    appender.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(appender);
    context.getLogger("org.apache.kafka").setLevel(Level.WARN);
  }
}
