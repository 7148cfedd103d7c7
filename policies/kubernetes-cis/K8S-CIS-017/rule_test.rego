package assay.kubernetes.cis.secrets_in_env

import rego.v1

test_secret_key_ref_denied if {
	findings := deny with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "env": [
		{"name": "MODE", "value": "prod"},
		{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
	]}]}}
	findings == {{"msg": "container \"a\" takes environment variable DB_PASSWORD from key \"password\" of secret \"db\"; mount the secret as a file instead", "path": ["spec", "containers", 0, "env", 1, "valueFrom", "secretKeyRef"]}}
}

test_env_from_secret_denied if {
	findings := deny with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "envFrom": [{"configMapRef": {"name": "cfg"}}, {"prefix": "X_", "secretRef": {"name": "api"}}]}]}}
	findings == {{"msg": "container \"a\" loads secret \"api\" into environment variables; mount the secret as a file instead", "path": ["spec", "containers", 0, "envFrom", 1, "secretRef"]}}
}

test_every_container_type_checked if {
	ref := {"name": "T", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}
	findings := deny with input as {"kind": "DaemonSet", "spec": {"template": {"spec": {
		"initContainers": [{"name": "i", "env": [ref]}],
		"containers": [{"name": "c", "envFrom": [{"secretRef": {"name": "s"}}]}],
		"ephemeralContainers": [{"name": "e", "env": [ref]}],
	}}}}
	count(findings) == 3
}

test_other_sources_allowed if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {
		"containers": [{"name": "a", "env": [
			{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "c", "key": "k"}}},
			{"name": "B", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
			{"name": "C", "valueFrom": {"secretKeyRef": null}},
		], "envFrom": [{"configMapRef": {"name": "c"}}], "volumeMounts": [{"name": "s", "mountPath": "/etc/secret"}]}],
		"volumes": [{"name": "s", "secret": {"secretName": "db"}}],
	}}
}

test_null_lists if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "env": null, "envFrom": null}]}}
}
