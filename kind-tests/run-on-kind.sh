#!/usr/bin/env bash
# make kind-test: the end-to-end scenarios of kind-tests/ on a real cluster (kind, or any cluster of the
# current kubeconfig with KIND_CLUSTER=none). Needs docker (for kind), kind, kubectl and helm on the PATH,
# and internet access for the apache/kafka image.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in kubectl helm; do
  command -v "$tool" >/dev/null || { echo "kind-test needs $tool on the PATH" >&2; exit 2; }
done
cluster="${KIND_CLUSTER:-slipstream}"
version="$(./mvnw -q help:evaluate -Dexpression=project.version -DforceStdout)"

echo "== building the operator and its image"
./mvnw -B -q install -DskipTests

if [ "$cluster" != "none" ]; then
  command -v kind >/dev/null || { echo "kind-test needs kind on the PATH (or KIND_CLUSTER=none for the current context)" >&2; exit 2; }
  if ! kind get clusters | grep -qx "$cluster"; then
    kind create cluster --name "$cluster" --config kind-tests/manifests/kind-config.yaml
  fi
  kubectl config use-context "kind-$cluster"
  kind load image-archive operator/target/slipstream-operator-image.tar --name "$cluster"
fi

echo "== third-party CRDs (KServe, Flink operator, Strimzi, KEDA, Gateway API): the kinds only, not their controllers"
kubectl apply --server-side -f testkit/src/main/resources/third-party-crds/
echo "== the Prometheus Operator's PodMonitor CRD (the real one; CI uses a schema of the fields Slipstream writes)"
kubectl apply --server-side -f "https://raw.githubusercontent.com/prometheus-operator/prometheus-operator/${PROMETHEUS_OPERATOR_VERSION:-v0.80.0}/example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml"

echo "== a single-node Kafka"
kubectl apply -f kind-tests/manifests/kafka.yaml
kubectl -n kafka rollout status statefulset/kafka --timeout=300s

echo "== the chart"
helm upgrade --install slipstream helm-chart/slipstream -n slipstream-system --create-namespace \
  --set image.tag="$version" --set image.pullPolicy=IfNotPresent --wait --timeout 5m

echo "== the scenarios"
./mvnw -B -pl kind-tests verify -De2e.cluster=kubeconfig
