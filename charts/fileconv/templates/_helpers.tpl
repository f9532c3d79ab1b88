{{/* Release-scoped base name, at most 40 characters so suffixes like "-api-in" stay within 63. */}}
{{- define "fileconv.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels on every object; component-specific selector labels are added by the caller. */}}
{{- define "fileconv.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: fileconv
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Full image reference: registry/repository:tag, tag defaulting to appVersion. */}}
{{- define "fileconv.image" -}}
{{- $root := index . 0 -}}{{- $repo := index . 1 -}}
{{- printf "%s/%s:%s" $root.Values.image.registry $repo (default $root.Chart.AppVersion $root.Values.image.tag) -}}
{{- end -}}

{{/* Pod-level security: non-root, fixed ids, RuntimeDefault seccomp. */}}
{{- define "fileconv.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container-level security: read-only root, no privilege escalation, no capabilities. */}}
{{- define "fileconv.containerSecurityContext" -}}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "fileconv.imagePullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Comma-separated region codes, e.g. "in,us,uk". */}}
{{- define "fileconv.regionCodes" -}}
{{- $codes := list -}}
{{- range .Values.regions }}{{ $codes = append $codes .code }}{{ end -}}
{{- join "," $codes -}}
{{- end -}}

{{/* Database env (FILECONV_DB_*, FILECONV_DIRECTORY_DB_*) with the application's credentials. The schema is
     migrated by the hook Job (migrate-job.yaml), so processes only wait for the version they need. */}}
{{- define "fileconv.dbEnv" -}}
{{- include "fileconv.dbEnvWith" (list . .Values.database.existingSecret .Values.directory.existingSecret) }}
- name: FILECONV_DB_MIGRATE
  value: "false"
{{- end -}}

{{/* Database env with the credentials of the given Secrets (regional, directory; the migration hook passes its
     DDL users'). An empty directory Secret means the regional credentials (FILECONV_DIRECTORY_DB_* unset). */}}
{{- define "fileconv.dbEnvWith" -}}
{{- $root := index . 0 -}}{{- $secret := index . 1 -}}{{- $dirSecret := index . 2 -}}
{{- $db := $root.Values.database -}}{{- $dir := $root.Values.directory -}}
- name: FILECONV_DB_URL
  value: {{ $db.url | quote }}
- name: FILECONV_DB_USER
  valueFrom:
    secretKeyRef: {name: {{ $secret | quote }}, key: {{ $db.usernameKey | quote }}}
- name: FILECONV_DB_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ $secret | quote }}, key: {{ $db.passwordKey | quote }}}
{{- with $dir.url }}
- name: FILECONV_DIRECTORY_DB_URL
  value: {{ . | quote }}
{{- end }}
{{- if $db.caSecret }}
- name: FILECONV_DB_CA_FILE
  value: /etc/fileconv/db-ca/ca.crt
{{- end }}
{{- if $dir.caSecret }}
- name: FILECONV_DIRECTORY_DB_CA_FILE
  value: /etc/fileconv/directory-ca/ca.crt
{{- end }}
{{- with $dirSecret }}
- name: FILECONV_DIRECTORY_DB_USER
  valueFrom:
    secretKeyRef: {name: {{ . | quote }}, key: {{ $db.usernameKey | quote }}}
- name: FILECONV_DIRECTORY_DB_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ . | quote }}, key: {{ $db.passwordKey | quote }}}
{{- end }}
{{- end -}}

{{/* Kafka client env of the dispatcher (FILECONV_KAFKA_*); the CA file is the kafka-ca volume. */}}
{{- define "fileconv.kafkaEnv" -}}
{{- $k := .Values.kafka -}}
- name: FILECONV_KAFKA_BOOTSTRAP
  value: {{ $k.bootstrapServers | quote }}
- name: FILECONV_KAFKA_SECURITY_PROTOCOL
  value: {{ $k.securityProtocol | quote }}
{{- if hasPrefix "SASL_" $k.securityProtocol }}
- name: FILECONV_KAFKA_SASL_MECHANISM
  value: {{ $k.saslMechanism | quote }}
- name: FILECONV_KAFKA_USERNAME
  value: {{ $k.username | quote }}
- name: FILECONV_KAFKA_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ default $k.username $k.passwordSecret | quote }}, key: password}
{{- end }}
{{- if hasSuffix "SSL" $k.securityProtocol }}
- name: FILECONV_KAFKA_TRUSTSTORE_FILE
  value: /etc/fileconv/kafka-ca/ca.crt
{{- end }}
{{- end -}}

{{/* S3 env without buckets (FILECONV_S3_*). The Secret's keys are fixed (accessKey, secretKey) because the
     operator maps the same Secret into converter Jobs under those keys. */}}
{{- define "fileconv.s3Env" -}}
{{- if .Values.s3.endpoint }}
- name: FILECONV_S3_ENDPOINT
  value: {{ .Values.s3.endpoint | quote }}
{{- end }}
- name: FILECONV_S3_REGION
  value: {{ .Values.s3.region | quote }}
- name: FILECONV_S3_PATH_STYLE
  value: {{ .Values.s3.pathStyle | quote }}
{{- if .Values.s3.existingSecret }}
- name: FILECONV_S3_ACCESS_KEY
  valueFrom:
    secretKeyRef: {name: {{ .Values.s3.existingSecret | quote }}, key: accessKey}
- name: FILECONV_S3_SECRET_KEY
  valueFrom:
    secretKeyRef: {name: {{ .Values.s3.existingSecret | quote }}, key: secretKey}
{{- end }}
{{- end -}}

{{/* FILECONV_PASSWORD_KEY of the API and the operator (sealing / opening document passwords), when configured. */}}
{{- define "fileconv.passwordKeyEnv" -}}
{{- if .Values.documentPasswords.existingSecret }}
- name: FILECONV_PASSWORD_KEY
  valueFrom:
    secretKeyRef: {name: {{ .Values.documentPasswords.existingSecret | quote }}, key: key}
{{- end }}
{{- end -}}

{{/* Public base URL of a region: publicUrl, else https://<ingressHost> when the Ingress is on, else "". */}}
{{- define "fileconv.regionUrl" -}}
{{- $root := index . 0 -}}{{- $r := index . 1 -}}
{{- if $r.publicUrl -}}{{ $r.publicUrl }}
{{- else if and $root.Values.ingress.enabled $r.ingressHost -}}{{ printf "https://%s" $r.ingressHost }}
{{- end -}}
{{- end -}}

{{/* Probes shared by the API and the operator: liveness on /healthz, readiness on /readyz, slow JVM start. */}}
{{- define "fileconv.probes" -}}
startupProbe:
  httpGet: {path: /healthz, port: http}
  periodSeconds: 5
  failureThreshold: 36
livenessProbe:
  httpGet: {path: /healthz, port: http}
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /readyz, port: http}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
{{- end -}}

{{/* NetworkPolicy egress rules shared by the policies of networkpolicy.yaml. */}}
{{- define "fileconv.egressDns" -}}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ .Values.networkPolicy.dns.namespace }}
      podSelector:
        matchLabels:
          {{- toYaml .Values.networkPolicy.dns.podLabels | nindent 10 }}
  ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}
{{- end -}}

{{- define "fileconv.egressDnsAndS3" -}}
{{ include "fileconv.egressDns" . }}
- to:
    {{- range .Values.networkPolicy.s3.cidrs }}
    - ipBlock:
        cidr: {{ .cidr }}
        {{- with .except }}
        except:
          {{- toYaml . | nindent 10 }}
        {{- end }}
    {{- end }}
  ports:
    {{- range .Values.networkPolicy.s3.ports }}
    - {protocol: TCP, port: {{ . }}}
    {{- end }}
{{- end -}}

{{- define "fileconv.egressDatabase" -}}
- to:
    {{- toYaml .Values.networkPolicy.database.to | nindent 4 }}
  ports:
    {{- range .Values.networkPolicy.database.ports }}
    - {protocol: TCP, port: {{ . }}}
    {{- end }}
{{- end -}}


{{/* Mounts and volumes of the database CAs (database.caSecret, directory.caSecret), for every pod with dbEnv. */}}
{{- define "fileconv.dbCaMounts" -}}
{{- if .Values.database.caSecret }}
- {name: db-ca, mountPath: /etc/fileconv/db-ca, readOnly: true}
{{- end }}
{{- if .Values.directory.caSecret }}
- {name: directory-ca, mountPath: /etc/fileconv/directory-ca, readOnly: true}
{{- end }}
{{- end -}}

{{- define "fileconv.dbCaVolumes" -}}
{{- if .Values.database.caSecret }}
- name: db-ca
  secret:
    secretName: {{ .Values.database.caSecret }}
    items:
      - {key: ca.crt, path: ca.crt}
{{- end }}
{{- if .Values.directory.caSecret }}
- name: directory-ca
  secret:
    secretName: {{ .Values.directory.caSecret }}
    items:
      - {key: ca.crt, path: ca.crt}
{{- end }}
{{- end -}}
