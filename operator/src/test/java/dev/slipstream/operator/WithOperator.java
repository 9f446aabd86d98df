package dev.slipstream.operator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * An integration test class with one operator environment for all its tests: the real operator, the test API
 * server, a real broker and the stand-in controllers, started before the first test and closed after the last.
 */
abstract class WithOperator {
  static OperatorFixture env;

  @BeforeAll
  static void startOperatorEnvironment() {
    env = new OperatorFixture();
  }

  @AfterAll
  static void closeOperatorEnvironment() {
    env.close();
  }
}
