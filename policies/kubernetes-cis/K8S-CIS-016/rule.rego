# METADATA
# title: Every namespace should have a NetworkPolicy
# description: >-
#   Without a NetworkPolicy in its namespace a pod accepts traffic from, and
#   sends it to, anything in the cluster, so one compromised application can
#   reach all others. CIS 5.3.2 asks that each namespace has at least one
#   NetworkPolicy. The namespaces are the scanned Namespace objects and every
#   namespace a scanned workload lives in (objects without a namespace count
#   as default); one with no NetworkPolicy among the scanned objects is
#   reported on its Namespace object, or else on its first workload by kind
#   and name. System namespaces are not exempt, as the benchmark names none.
# custom:
#   id: K8S-CIS-016
#   severity: medium
#   scope: inventory
#   kinds: [Namespace, NetworkPolicy, Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     cis-kubernetes: ["5.3.2"]
#   remediation: >-
#     Add a NetworkPolicy to the namespace, starting with a default-deny
#     policy (podSelector: {} with policyTypes [Ingress, Egress]) and
#     policies allowing the traffic the applications need.
package assay.kubernetes.cis.namespace_network_policy

import rego.v1

import data.assay.lib.kubernetes as k8s

# Namespace objects: name -> apiVersion.
declared[name] := api_version if {
	some api_version, name
	data.inventory.cluster[api_version].Namespace[name]
}

# Workloads per namespace, sorted by kind, name and apiVersion.
workloads[ns] := sort([[kind, name, api_version] |
	some api_version, kind, name
	data.inventory.namespace[ns][api_version][kind][name]
	kind in k8s.workload_kinds
]) if {
	some ns
	data.inventory.namespace[ns]
}

has_policy(ns) if {
	some api_version, name
	data.inventory.namespace[ns][api_version].NetworkPolicy[name]
}

message(ns) := sprintf("namespace %q has no NetworkPolicy, so its pods accept and send any traffic", [ns])

deny contains {
	"msg": message(ns),
	"path": ["metadata", "name"],
	"resource": {"apiVersion": api_version, "kind": "Namespace", "namespace": "", "name": ns},
} if {
	some ns, api_version in declared
	not has_policy(ns)
}

deny contains {
	"msg": message(ns),
	"path": path,
	"resource": {"apiVersion": api_version, "kind": kind, "namespace": ns, "name": name},
} if {
	some ns, list in workloads
	count(list) > 0
	not declared[ns]
	not has_policy(ns)
	[kind, name, api_version] := list[0]
	obj := data.inventory.namespace[ns][api_version][kind][name]
	path := namespace_path(obj)
}

# metadata.namespace when the object sets it, else its name.
namespace_path(obj) := ["metadata", "namespace"] if "namespace" in object.keys(object.get(obj, "metadata", {}))

else := ["metadata", "name"]
