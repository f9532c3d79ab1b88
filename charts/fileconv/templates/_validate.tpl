{{/* Cross-field checks that JSON Schema cannot express; called from serviceaccounts.yaml (always rendered). */}}
{{- define "fileconv.validate" -}}
{{- $seen := dict -}}
{{- range .Values.regions -}}
{{- if hasKey $seen .code -}}{{- fail (printf "regions: region %q is listed twice" .code) -}}{{- end -}}
{{- $_ := set $seen .code true -}}
{{- end -}}
{{- if gt (int .Values.converter.minJobs) (int .Values.converter.maxJobs) -}}
{{- fail "converter.minJobs must not exceed converter.maxJobs" -}}
{{- end -}}
{{- if le (int .Values.converter.activeDeadlineSeconds) (int .Values.converter.timeoutSeconds) -}}
{{- fail "converter.activeDeadlineSeconds must exceed converter.timeoutSeconds (the JVM and office need time to start)" -}}
{{- end -}}
{{- if and .Values.auth.devIssuer .Values.ingress.enabled -}}
{{- fail "auth.devIssuer cannot be combined with ingress.enabled: the development issuer gives a token to anyone who can reach the API; reach a development cell with kubectl port-forward" -}}
{{- end -}}
{{- if and .Values.auth.oidc.issuer (not .Values.auth.oidc.clientId) -}}
{{- fail "auth.oidc.clientId is required with auth.oidc.issuer: the web page signs in as that client of the provider" -}}
{{- end -}}
{{- if and .Values.ingress.enabled (not .Values.ingress.tlsSecretTemplate) -}}
{{- fail "ingress.tlsSecretTemplate is required when ingress.enabled: bearer tokens must not travel in clear text" -}}
{{- end -}}
{{- end -}}
