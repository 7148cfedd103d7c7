# METADATA
# title: Credentials should not be hard-coded in environment variables
# description: >-
#   A password, token or key written as a literal env value lives in the
#   manifest, in Git history, in `kubectl get -o yaml` for anyone who can read
#   the workload, and in every copy of the chart. Fails for env entries whose
#   name ends in PASSWORD, PASSWD, PASSPHRASE, SECRET, SECRET_KEY, TOKEN,
#   API_KEY, APIKEY, ACCESS_KEY or PRIVATE_KEY (any case, `-` and `.` read as
#   `_`) and that set a non-empty `value`. Variables naming a Secret object
#   (ending in PULL_SECRET, TLS_SECRET, CERT_SECRET or CA_SECRET), booleans,
#   file paths, $(VAR) references and template or secret-manager
#   placeholders are not reported.
# custom:
#   id: K8S-BP-032
#   severity: high
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     best-practices: [security]
#   triggers: [env]
#   remediation: >-
#     Move the value into a Secret (created out of band or by a secrets
#     operator), mount it as a file (or reference it with
#     env[].valueFrom.secretKeyRef), and rotate the credential that was exposed.
package assay.kubernetes.bestpractice.env_secret_literal

import rego.v1

import data.assay.lib.kubernetes as k8s

suffixes := [
	"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "SECRET_KEY", "TOKEN",
	"API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY",
]

# Variables that conventionally hold the name of a Secret object, not a secret.
secret_name_suffixes := ["PULL_SECRET", "TLS_SECRET", "CERT_SECRET", "CA_SECRET"]

non_secret_values := {"true", "false", "yes", "no", "on", "off", "enabled", "disabled", "none", "null"}

deny contains {"msg": msg, "path": path} if {
	some c in k8s.containers
	env := c.container.env
	is_array(env)
	some i, var in env
	sensitive_name(var.name)
	value := var.value
	is_string(value)
	literal(value)
	path := array.concat(c.path, ["env", i, "value"])
	msg := sprintf("%s sets %s to a literal value; load it from a Secret", [c.label, var.name])
}

sensitive_name(name) if {
	is_string(name)
	normalized := replace(replace(upper(name), "-", "_"), ".", "_")
	some suffix in suffixes
	endswith(normalized, suffix)
	not secret_name(normalized)
}

secret_name(normalized) if {
	some suffix in secret_name_suffixes
	endswith(normalized, suffix)
}

literal(value) if {
	v := trim_space(value)
	v != ""
	not lower(v) in non_secret_values
	not placeholder(v)
}

# File paths, $(VAR) / ${VAR} references, Helm or Go templates, and
# argocd-vault-plugin, bank-vaults and vals references.
placeholder(v) if startswith(v, "/")

placeholder(v) if startswith(v, "$(")

placeholder(v) if startswith(v, "${")

placeholder(v) if contains(v, "{{")

placeholder(v) if {
	startswith(v, "<")
	endswith(v, ">")
}

placeholder(v) if startswith(v, "vault:")

placeholder(v) if startswith(v, "ref+")
