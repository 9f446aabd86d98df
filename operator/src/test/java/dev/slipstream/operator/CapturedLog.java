package dev.slipstream.operator;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Every log line written while it is open, at the levels the loggers are set to, for a test to read afterwards. */
final class CapturedLog implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  CapturedLog() {
    appender.start();
    root.addAppender(appender);
  }

  List<ILoggingEvent> events() {
    return List.copyOf(appender.list);
  }

  /** The formatted messages, one per line. */
  String text() {
    return String.join("\n", events().stream().map(ILoggingEvent::getFormattedMessage).toList());
  }

  @Override
  public void close() {
    root.detachAppender(appender);
  }
}
