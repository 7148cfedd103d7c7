# METADATA
# title: Service account tokens should be mounted only where needed
# description: >-
#   A mounted service account token lets anyone who compromises the pod call
#   the Kubernetes API with that account's rights. CIS 5.1.6 asks for
#   automountServiceAccountToken=false on pods and service accounts unless
#   the workload needs the API, so whether a token is needed is a judgement
#   and this is a warning. The pod spec's setting wins; when unset, that of
#   its ServiceAccount (serviceAccountName, else default) among the scanned
#   objects of the same namespace; when neither is set, Kubernetes mounts the
#   token. Every workload whose pods end up with a mounted token is reported.
# custom:
#   id: K8S-CIS-006
#   severity: low
#   scope: inventory
#   kinds: [ServiceAccount, Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     cis-kubernetes: ["5.1.6"]
#   remediation: >-
#     Set automountServiceAccountToken: false in the pod spec (or on its
#     ServiceAccount) unless the workload calls the Kubernetes API; workloads
#     that do should run as a dedicated ServiceAccount with minimal rights.
package assay.kubernetes.cis.token_automount

import rego.v1

import data.assay.lib.kubernetes as k8s

warn contains {
	"msg": msg,
	"path": path,
	"resource": {"apiVersion": api_version, "kind": kind, "namespace": ns, "name": name},
} if {
	some ns, by_api_version in data.inventory.namespace
	some api_version, by_kind in by_api_version
	some kind, by_name in by_kind
	kind in k8s.workload_kinds
	some name, obj in by_name
	ps := k8s.pod_spec_of(obj)
	account := service_account(ps.spec)
	mounted(ps.spec, ns, account)
	path := where(ps)
	msg := message(ps.spec, account)
}

service_account(spec) := spec.serviceAccountName if {
	is_string(spec.serviceAccountName)
	spec.serviceAccountName != ""
} else := spec.serviceAccount if {
	is_string(spec.serviceAccount)
	spec.serviceAccount != ""
} else := "default"

# The pod spec decides when it sets the field.
mounted(spec, _, _) if spec.automountServiceAccountToken == true

# Else the ServiceAccount, when scanned and set; else Kubernetes mounts it.
mounted(spec, ns, account) if {
	not is_boolean(spec.automountServiceAccountToken)
	not account_disables(ns, account)
}

account_disables(ns, account) if {
	some by_kind in object.get(data.inventory.namespace, ns, {})
	by_kind.ServiceAccount[account].automountServiceAccountToken == false
}

message(spec, account) := "pod sets automountServiceAccountToken=true; mount the service account token only if the workload calls the Kubernetes API" if {
	spec.automountServiceAccountToken == true
} else := "pod mounts the token of the default service account; set automountServiceAccountToken=false, or run as a dedicated service account if the workload calls the Kubernetes API" if {
	account == "default"
} else := sprintf("pod mounts the token of service account %q; set automountServiceAccountToken=false unless the workload calls the Kubernetes API", [account])

# The pod's automountServiceAccountToken, else its serviceAccountName, else the pod spec.
where(ps) := array.concat(ps.path, ["automountServiceAccountToken"]) if {
	"automountServiceAccountToken" in object.keys(ps.spec)
} else := array.concat(ps.path, [fields[0]]) if {
	# A comprehension, not `some field in …`: on regorus's VM an `else`
	# after a body whose iteration finds nothing is never taken.
	fields := [f | some f in ["serviceAccountName", "serviceAccount"]; f in object.keys(ps.spec)]
	count(fields) > 0
} else := ps.path
