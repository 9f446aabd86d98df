{{/* The release's name for every object, at most 63 characters. */}}
{{- define "slipstream.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "slipstream.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: operator
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "slipstream.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "slipstream.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "slipstream.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
The operator's permissions in the namespaces it watches: exactly the kinds and verbs it uses, no wildcards.
The helm-chart module's tests compare these rules with every API call the operator made in the integration
tests, both ways: each call must be allowed, and each rule must have been used.
*/}}
{{- define "slipstream.rules" -}}
- apiGroups: ["slipstream.dev"]
  resources: ["streamingpipelines"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["slipstream.dev"]
  resources: ["modelversions", "shedpolicies"]
  verbs: ["list", "watch"]
- apiGroups: ["slipstream.dev"]
  resources: ["streamingpipelines/status", "modelversions/status", "shedpolicies/status"]
  verbs: ["patch"]
- apiGroups: ["serving.kserve.io"]
  resources: ["inferenceservices"]
  verbs: ["list", "watch", "create", "update", "delete"]
- apiGroups: ["flink.apache.org"]
  resources: ["flinkdeployments"]
  verbs: ["list", "watch", "create", "update", "delete"]
- apiGroups: ["kafka.strimzi.io"]
  resources: ["kafkatopics"]
  verbs: ["get", "list", "watch", "create", "update", "patch"]
- apiGroups: ["gateway.networking.k8s.io"]
  resources: ["httproutes"]
  verbs: ["list", "watch", "create", "update", "delete"]
- apiGroups: ["keda.sh"]
  resources: ["scaledobjects"]
  verbs: ["list", "watch", "create", "update", "delete"]
- apiGroups: ["monitoring.coreos.com"]
  resources: ["podmonitors"]
  verbs: ["list", "watch", "create", "update"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["list", "watch", "create", "update", "delete"]
- apiGroups: [""]
  resources: ["services", "configmaps"]
  verbs: ["list", "watch", "create", "update", "delete"]
- apiGroups: [""]
  resources: ["resourcequotas"]
  verbs: ["list"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end -}}

{{/* Reading the Kafka client Secrets pipelines name (spec.kafka.clientSecretRef): granted apart, see rbac.yaml. */}}
{{- define "slipstream.secretRules" -}}
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
{{- end -}}

{{/* The Secrets the Prometheus sources name (basic auth, bearer token, CA), each once, comma-separated. */}}
{{- define "slipstream.prometheusSecrets" -}}
{{- $secrets := list -}}
{{- range .Values.operator.prometheusSources -}}
{{- range (list .basicAuthSecret .bearerTokenSecret .caSecret) -}}
{{- if . -}}{{- $secrets = append $secrets . -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- $secrets | uniq | join "," -}}
{{- end -}}

{{/* The Secrets holding the URLs of operator.notifications, each once. */}}
{{- define "slipstream.notificationSecrets" -}}
{{- $secrets := list -}}
{{- range .Values.operator.notifications -}}
{{- $secrets = append $secrets .urlSecret -}}
{{- end -}}
{{- $secrets | uniq | join "," -}}
{{- end -}}
