# Thin wrappers over the Maven wrapper; a fresh machine needs only a JDK.
MVN ?= ./mvnw -B
ARGS ?= --once

.PHONY: demo test unit bench bench-job bench-replay bench-fanout crds golden helm-lint image kind-test plugin clean

## demo: the operator, the reference job and a real Kafka broker in one process: examples/ applied, events scored, rollouts, shedding
demo:
	$(MVN) -q install -DskipTests
	$(MVN) -q -pl demo exec:exec -Ddemo.args="$(ARGS)"

## test: every test: unit tests, then the integration tests against the test API server and a real broker
test:
	$(MVN) verify

## bench: figures measured against the embedded stack, printed beside their targets and written to demo/target/bench.json
RUNS ?= 5
PIPELINES ?= 1000
JOB_EVENTS ?= 100000
bench:
	$(MVN) -q install -DskipTests -Djib.skip
	$(MVN) -q -pl demo exec:exec -Ddemo.main=dev.slipstream.demo.Bench -Ddemo.args="$(RUNS) $(PIPELINES) $(JOB_EVENTS)"

## bench-replay: time to a replay verdict alone, for JOB_EVENTS retained events
bench-replay:
	$(MVN) -q install -DskipTests -Djib.skip
	$(MVN) -q -pl demo exec:exec -Ddemo.main=dev.slipstream.demo.ReplayBench -Ddemo.args="$(JOB_EVENTS)"

## bench-job: the reference job's data plane alone (rates, latencies, burst) for JOB_EVENTS events
bench-job:
	$(MVN) -q install -DskipTests -Djib.skip
	$(MVN) -q -pl demo exec:exec -Ddemo.main=dev.slipstream.demo.Bench -Ddemo.args="job $(JOB_EVENTS)"

## bench-fanout: the fan-out alone at PIPELINES (e.g. 5000), WAVES waves each of the operator and the floor, written to demo/target/bench-fanout-N.json
WAVES ?= 3
bench-fanout:
	$(MVN) -q install -DskipTests -Djib.skip
	$(MVN) -q -pl demo exec:exec -Ddemo.heap=6g -Ddemo.main=dev.slipstream.demo.Bench -Ddemo.args="fanout $(PIPELINES) $(WAVES)"

## unit: the fast unit tests only
unit:
	$(MVN) test

## plugin: builds kubectl slipstream and installs it as $(PREFIX)/bin/kubectl-slipstream (kubectl finds it on the PATH)
PREFIX ?= $(HOME)/.local
plugin:
	$(MVN) -q -pl cli -am package -DskipTests -Djib.skip
	mkdir -p $(PREFIX)/bin
	cp cli/target/kubectl-slipstream.jar $(PREFIX)/bin/
	install -m 755 cli/bin/kubectl-slipstream $(PREFIX)/bin/kubectl-slipstream
	@echo "installed $(PREFIX)/bin/kubectl-slipstream; with $(PREFIX)/bin on the PATH: kubectl slipstream status -A"

## crds: regenerate crds/yaml from the Java API types (commit the result)
crds:
	$(MVN) -q -pl crds process-classes
	cp crds/target/classes/META-INF/fabric8/*.slipstream.dev-v1.yml crds/yaml/
	cp crds/yaml/*.yml helm-chart/slipstream/crds/

## helm-lint: helm lint and helm template of helm-chart/slipstream with a real helm, and the checks of what it renders
helm-lint:
	$(MVN) -q install -DskipTests
	$(MVN) -pl helm-chart test

## golden: rewrite the golden YAML of the desired-state builders after an intended change (review the diff)
golden:
	$(MVN) -q -pl crds install -DskipTests
	$(MVN) -pl core test -Dgolden.update=true

## image: the operator's OCI image tar (operator/target/slipstream-operator-image.tar), no Docker daemon needed
image:
	$(MVN) -q -pl operator -am package -DskipTests

## kind-test: the end-to-end scenarios on a kind cluster (created if missing) or, with KIND_CLUSTER=none, the current kubeconfig
kind-test:
	kind-tests/run-on-kind.sh

clean:
	$(MVN) -q clean
