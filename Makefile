# Thin wrappers over the Maven wrapper; a fresh machine needs only a JDK.
MVN ?= ./mvnw -B
ARGS ?= --once

.PHONY: demo test unit bench crds golden clean

## demo: run the operator on an embedded API server and Kafka broker, apply examples/, print what it made
demo:
	$(MVN) -q install -DskipTests
	$(MVN) -q -pl demo exec:exec -Ddemo.args="$(ARGS)"

## test: every test: unit tests, then the integration tests against the test API server and a real broker
test:
	$(MVN) verify

## bench: figures measured against the embedded stack, printed beside their targets and written to demo/target/bench.json
RUNS ?= 5
bench:
	$(MVN) -q install -DskipTests
	$(MVN) -q -pl demo exec:exec -Ddemo.main=dev.slipstream.demo.Bench -Ddemo.args="$(RUNS)"

## unit: the fast unit tests only
unit:
	$(MVN) test

## crds: regenerate crds/yaml from the Java API types (commit the result)
crds:
	$(MVN) -q -pl crds process-classes
	cp crds/target/classes/META-INF/fabric8/*.slipstream.dev-v1.yml crds/yaml/

## golden: rewrite the golden YAML of the desired-state builders after an intended change (review the diff)
golden:
	$(MVN) -q -pl crds install -DskipTests
	$(MVN) -pl core test -Dgolden.update=true

clean:
	$(MVN) -q clean
