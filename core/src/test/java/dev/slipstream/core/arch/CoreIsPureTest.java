package dev.slipstream.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Core decides and never talks to a cluster, a broker or a network. The enforcer's dependency ban cannot hold
 * alone: the API types in crds need {@code kubernetes-client-api} (for {@code CustomResource}), so the client's
 * packages are on core's classpath; this test reads core's compiled classes and refuses any use of them.
 */
class CoreIsPureTest {
  private static final JavaClasses CORE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.slipstream.core");

  @Test
  void coreUsesNoClientBrokerOrNetwork() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage(
            "io.fabric8.kubernetes.client..",
            "io.javaoperatorsdk..",
            "org.apache.kafka..",
            "io.prometheus..",
            "java.net.http..",
            "okhttp3..",
            "io.vertx..")
        .because("core holds pure decisions; I/O lives in the controllers and operator modules")
        .check(CORE);
  }

  @Test
  void coreOpensNoSocketOrUrl() {
    noClasses().should().dependOnClassesThat().haveFullyQualifiedName("java.net.Socket")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.URL")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.HttpURLConnection")
        .because("core holds pure decisions; I/O lives in the controllers and operator modules")
        .check(CORE);
  }

  @Test
  void theRuleSeesAViolation() {
    // the healthy twin: the same rule over a class that uses the client fails, so the rule can fail at all
    JavaClasses offender = new ClassFileImporter().importClasses(UsesTheClient.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.fabric8.kubernetes.client..").check(offender))
        .isInstanceOf(AssertionError.class);
  }

  /** A stand-in offender, in test code (not part of core's classes). */
  static final class UsesTheClient {
    Object clone(Object o) {
      return io.fabric8.kubernetes.client.utils.Serialization.clone(o);
    }
  }
}
