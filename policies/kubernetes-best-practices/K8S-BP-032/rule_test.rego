package assay.kubernetes.bestpractice.env_secret_literal

import rego.v1

pod(env) := {"kind": "Pod", "spec": {"containers": [{"name": "a", "env": env}]}}

test_literal_password_denied if {
	some f in deny with input as pod([{"name": "LOG_LEVEL", "value": "info"}, {"name": "DB_PASSWORD", "value": "hunter2"}])
	f.msg == "container \"a\" sets DB_PASSWORD to a literal value; load it from a Secret"
	f.path == ["spec", "containers", 0, "env", 1, "value"]
}

test_name_variants if {
	count(deny) == 6 with input as pod([
		{"name": "github-token", "value": "ghp_abc"},
		{"name": "aws.secret.access.key", "value": "wJalr"},
		{"name": "NEXTAUTH_SECRET", "value": "x"},
		{"name": "StripeApiKey", "value": "sk_live"},
		{"name": "SIGNING_PRIVATE_KEY", "value": "-----BEGIN"},
		{"name": "password", "value": "admin"},
	])
}

test_non_secret_names_pass if {
	count(deny) == 0 with input as pod([
		{"name": "TOKEN_TTL", "value": "3600"},
		{"name": "SECRET_NAME", "value": "db-creds"},
		{"name": "PASSWORD_FILE", "value": "/run/secrets/db"},
		{"name": "AWS_ACCESS_KEY_ID", "value": "AKIA"},
		{"name": "IMAGE_PULL_SECRET", "value": "regcred"},
		{"name": "WEBHOOK_TLS_SECRET", "value": "webhook-tls"},
	])
}

test_references_and_placeholders_pass if {
	count(deny) == 0 with input as pod([
		{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
		{"name": "A_PASSWORD", "value": ""},
		{"name": "B_PASSWORD", "value": "$(DB_PASSWORD)"},
		{"name": "C_PASSWORD", "value": "${DB_PASSWORD}"},
		{"name": "D_PASSWORD", "value": "{{ .Values.password }}"},
		{"name": "E_PASSWORD", "value": "<path:secret/data/db#password>"},
		{"name": "F_PASSWORD", "value": "vault:secret/data/db#password"},
		{"name": "G_TOKEN", "value": "/var/run/secrets/token"},
		{"name": "REQUIRE_PASSWORD", "value": "true"},
		{"name": "H_PASSWORD", "value": null},
	])
}

test_every_container_kind_checked if {
	count(deny) == 2 with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "i", "env": [{"name": "TOKEN", "value": "t"}]}],
		"ephemeralContainers": [{"name": "e", "env": [{"name": "TOKEN", "value": "t"}]}],
	}}
}
