{{/* Region number (server id offset); fails on a region fileconv does not know (io.fileconv.core.Region). */}}
{{- define "cdc.regionNumber" -}}
{{- $n := get (dict "in" "1" "us" "2" "uk" "3") .Values.region -}}
{{- if not $n -}}{{- fail (printf "region %q is not one of in, us, uk" .Values.region) -}}{{- end -}}
{{- $n -}}
{{- end -}}

{{- define "cdc.database" -}}fileconv_{{ .Values.region }}{{- end -}}
{{- define "cdc.filesTopic" -}}fileconv.{{ .Values.region }}.files{{- end -}}
{{- define "cdc.historyTopic" -}}fileconv.{{ .Values.region }}.schema-history{{- end -}}
{{/* Debezium's logical name: prefix of its native topics; the schema history consumer group is <prefix>-schemahistory. */}}
{{- define "cdc.topicPrefix" -}}fileconv-cdc-{{ .Values.region }}{{- end -}}
{{/* Debezium's default heartbeat topic: heartbeat.topics.prefix (__debezium-heartbeat) + "." + topic.prefix. */}}
{{- define "cdc.heartbeatTopic" -}}__debezium-heartbeat.{{ include "cdc.topicPrefix" . }}{{- end -}}
{{- define "cdc.connectName" -}}{{ .Values.clusterName }}-connect{{- end -}}
{{- define "cdc.bootstrap" -}}{{ .Values.clusterName }}-kafka-bootstrap:{{ .Values.kafka.listenerPort }}{{- end -}}
{{/* Secret into which Strimzi merges spec.tls.trustedCertificates of the KafkaConnect (key ca.crt). */}}
{{- define "cdc.trustedCertsSecret" -}}{{ include "cdc.connectName" . }}-connect-tls-trusted-certs{{- end -}}

{{- define "cdc.labels" -}}
app.kubernetes.io/part-of: fileconv
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
fileconv.io/region: {{ .Values.region }}
{{- end -}}

{{/* Argo CD: the wave of an object (see deploy/argocd/cells.yaml) and, for objects that hold data (brokers,
     topics), no pruning or deletion by a sync: removing them must be a deliberate manual step. */}}
{{- define "cdc.argocd" -}}
{{- $wave := index . 0 -}}{{- $keep := index . 1 -}}
argocd.argoproj.io/sync-wave: {{ $wave | quote }}
{{- if $keep }}
argocd.argoproj.io/sync-options: Prune=false,Delete=false
{{- end }}
{{- end -}}
